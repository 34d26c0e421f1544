import org.jspecify.annotations.NullMarked;

/**
 * The {@code shale} command (picocli). Exports nothing: it is run, not linked against. The parts
 * (WAL, memtables, SSTable formats, caches, compaction strategies) are found through {@code
 * ServiceLoader} by {@code dev.shale.lsm.assembly}, so plugins on the module path are picked up.
 */
@NullMarked
module dev.shale.lsm.cli {
  requires dev.shale.lsm.api;
  requires dev.shale.lsm.engine;
  requires dev.shale.lsm.assembly;
  requires dev.shale.lsm.server;
  requires info.picocli;
  requires org.slf4j;
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core;
  // sun.misc.Signal: serve turns SIGTERM into a graceful drain that exits 0.
  requires jdk.unsupported;

  // picocli reads the annotated commands and sets their fields reflectively.
  opens dev.shale.lsm.cli to
      info.picocli;

  provides ch.qos.logback.classic.spi.Configurator with
      dev.shale.lsm.cli.StderrLogging;
}
