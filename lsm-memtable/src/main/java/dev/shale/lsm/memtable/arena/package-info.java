/** Internal: the chunked byte arena both memtables keep their entries in, and the entry layout. */
@NullMarked
package dev.shale.lsm.memtable.arena;

import org.jspecify.annotations.NullMarked;
