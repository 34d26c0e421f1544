import org.jspecify.annotations.NullMarked;

/**
 * Shale's conformance test kit: for each SPI an abstract JUnit 5 / jqwik suite that a plugin author
 * extends with one factory method, plus fault-injecting and deliberately broken wrappers. Open to
 * reflection so that JUnit and jqwik can run the suites from the module path.
 */
@NullMarked
open module dev.shale.lsm.tck {
  requires transitive dev.shale.lsm.api;
  requires transitive org.junit.jupiter.api;
  requires transitive org.junit.jupiter.params;
  requires transitive net.jqwik.api;
  requires org.junit.platform.testkit;

  uses dev.shale.lsm.spi.objectstore.ObjectStoreProvider;

  exports dev.shale.lsm.tck;
  exports dev.shale.lsm.tck.io;
  exports dev.shale.lsm.tck.wal;
  exports dev.shale.lsm.tck.memtable;
  exports dev.shale.lsm.tck.sstable;
  exports dev.shale.lsm.tck.cache;
  exports dev.shale.lsm.tck.compaction;
  exports dev.shale.lsm.tck.event;
  exports dev.shale.lsm.tck.objectstore;
  exports dev.shale.lsm.tck.txn;
}
