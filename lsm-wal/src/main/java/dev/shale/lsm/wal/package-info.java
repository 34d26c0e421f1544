/**
 * The "segmented" write-ahead log: {@link dev.shale.lsm.wal.SegmentedWalProvider} is the only
 * public type; the format and recovery live in package-private classes.
 */
@NullMarked
package dev.shale.lsm.wal;

import org.jspecify.annotations.NullMarked;
