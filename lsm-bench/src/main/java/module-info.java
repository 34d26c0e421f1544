import org.jspecify.annotations.NullMarked;

/**
 * Benchmarks: the db_bench-style runner {@link dev.shale.lsm.bench.DbBench} comparing Shale with
 * RocksJava, and JMH microbenchmarks of the SPIs ({@code dev.shale.lsm.bench.jmh}).
 */
@NullMarked
module dev.shale.lsm.bench {
  requires dev.shale.lsm.api;
  requires dev.shale.lsm.engine;
  requires dev.shale.lsm.assembly;
  requires rocksdbjni;
  requires jmh.core;
  requires info.picocli;
  requires java.management;
  requires org.slf4j;

  exports dev.shale.lsm.bench;

  opens dev.shale.lsm.bench to
      info.picocli;
}
