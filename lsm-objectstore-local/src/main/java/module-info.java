import org.jspecify.annotations.NullMarked;

/** Object stores on a local directory (file://) and in memory (mem://). */
@NullMarked
module dev.shale.lsm.objectstore.local {
  requires dev.shale.lsm.api;
}
