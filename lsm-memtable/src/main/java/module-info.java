import org.jspecify.annotations.NullMarked;

/** Memtables: a concurrent skip list and an append-then-sort vector. */
@NullMarked
module dev.shale.lsm.memtable {
  requires dev.shale.lsm.api;
}
