/**
 * Opening a Db directory safely: checking the tables on disk against the manifest before anything
 * is deleted ({@link dev.shale.lsm.engine.recovery.TableAudit}), how far the write-ahead log covers
 * ({@link dev.shale.lsm.engine.recovery.LogCoverage}), setting suspect files aside ({@link
 * dev.shale.lsm.engine.recovery.LostFiles}) and rebuilding a damaged manifest ({@link
 * dev.shale.lsm.engine.recovery.DbRepair}).
 */
@NullMarked
package dev.shale.lsm.engine.recovery;

import org.jspecify.annotations.NullMarked;
