import org.jspecify.annotations.NullMarked;

/** The shale command. */
@NullMarked
module dev.shale.lsm.cli {
  requires dev.shale.lsm.api;
  requires dev.shale.lsm.assembly;
  requires info.picocli;
  requires org.slf4j;
}
