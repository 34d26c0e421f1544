import org.jspecify.annotations.NullMarked;

/** Dagger wiring of the default engine; the Shale entry point. */
@NullMarked
module dev.shale.lsm.assembly {
  requires transitive dev.shale.lsm.api;
  requires dev.shale.lsm.engine;
  requires org.slf4j;
}
