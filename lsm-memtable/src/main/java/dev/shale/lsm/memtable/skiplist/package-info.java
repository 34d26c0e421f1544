/** Internal: the lock-free arena skip list behind the "skiplist" provider. */
@NullMarked
package dev.shale.lsm.memtable.skiplist;

import org.jspecify.annotations.NullMarked;
