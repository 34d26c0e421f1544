import org.jspecify.annotations.NullMarked;

/**
 * The LSM engine core: write path with group commit, read path over pinned super versions, versions
 * and the manifest, flush, and the compaction scheduler. Depends on the SPIs of lsm-api only;
 * {@code lsm-assembly} chooses the implementations.
 */
@NullMarked
module dev.shale.lsm.engine {
  requires transitive dev.shale.lsm.api;
  requires org.slf4j;

  exports dev.shale.lsm.engine;
  // The bucket layout (keys, manifest objects, the writer claim), for tools and their tests.
  exports dev.shale.lsm.engine.remote to
      dev.shale.lsm.assembly;
  // Repair and its report, for ShaleTools and the command line.
  exports dev.shale.lsm.engine.recovery to
      dev.shale.lsm.assembly,
      dev.shale.lsm.cli;
}
