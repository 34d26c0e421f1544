import org.jspecify.annotations.NullMarked;

/** The LSM engine core. */
@NullMarked
module dev.shale.lsm.engine {
  requires transitive dev.shale.lsm.api;
  requires org.slf4j;
}
