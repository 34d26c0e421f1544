/**
 * The memtable providers: {@link dev.shale.lsm.memtable.SkipListMemtableProvider} ("skiplist", the
 * default) and {@link dev.shale.lsm.memtable.VectorMemtableProvider} ("vector", for bulk loads).
 */
@NullMarked
package dev.shale.lsm.memtable;

import org.jspecify.annotations.NullMarked;
