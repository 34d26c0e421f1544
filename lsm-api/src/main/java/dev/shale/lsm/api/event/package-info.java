/**
 * What a Db tells listeners as it works: flushes, compactions, deleted tables, manifests, write
 * stalls, commit groups and background errors, each with its figures ({@link
 * dev.shale.lsm.api.event.DbListener}, after RocksDB's {@code EventListener}). For metrics, logs,
 * and components that follow a Db.
 */
@NullMarked
package dev.shale.lsm.api.event;

import org.jspecify.annotations.NullMarked;
