/** Internal: the append-then-sort vector behind the "vector" provider. */
@NullMarked
package dev.shale.lsm.memtable.vector;

import org.jspecify.annotations.NullMarked;
