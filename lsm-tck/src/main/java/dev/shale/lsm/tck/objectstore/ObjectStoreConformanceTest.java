package dev.shale.lsm.tck.objectstore;

/** The object store conformance suite (being written). */
public abstract class ObjectStoreConformanceTest {
  /** The implementation under test. */
  protected abstract dev.shale.lsm.spi.objectstore.ObjectStoreProvider provider();
}
