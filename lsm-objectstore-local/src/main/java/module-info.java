import org.jspecify.annotations.NullMarked;

/**
 * Object stores on a local directory ({@code file://}, provider "local": the embedded default) and
 * in memory ({@code mem://}, provider "memory": tests). Only the providers are exported.
 */
@NullMarked
module dev.shale.lsm.objectstore.local {
  requires dev.shale.lsm.api;

  exports dev.shale.lsm.objectstore.local;

  provides dev.shale.lsm.spi.objectstore.ObjectStoreProvider with
      dev.shale.lsm.objectstore.local.LocalObjectStoreProvider,
      dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider;
}
