package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Metamorphic test: one random workload of puts, overwrites, deletes, batches, reads, scans,
 * flushes and reopens runs under leveled, tiered and no compaction (a strategy that never picks a
 * job: {@link NoCompaction}), each with the "skiplist" and "vector" memtable. Every read and scan
 * result must be identical across the six Dbs, and equal to a {@code TreeMap} run of the same
 * workload. Tiny memtables and files make flushes and compactions happen within a few hundred
 * operations; the class checks at the end that leveled and tiered did compact and "none" did not.
 */
class MetamorphicTest {
  private static final String[] MEMTABLES = {"skiplist", "vector"};
  private static final String[] STRATEGIES = {"leveled", "tiered", "none"};
  private static final Map<String, AtomicLong> COMPACTIONS = new ConcurrentHashMap<>();

  sealed interface Op permits Put, Delete, Batch, Get, Scan, Flush, Reopen {}

  record Put(int key, long valueSeed) implements Op {}

  record Delete(int key) implements Op {}

  record Batch(List<Op> ops) implements Op {}

  record Get(int key) implements Op {}

  record Scan(int from, int to) implements Op {}

  record Flush() implements Op {}

  record Reopen() implements Op {}

  @Property(tries = 8)
  void everyConfigurationSeesTheSameData(@ForAll("workloads") List<Op> workload) {
    List<String> expected = runOnModel(workload);
    for (String strategy : STRATEGIES) {
      for (String memtable : MEMTABLES) {
        List<String> trace = runOnDb(workload, memtable, strategy);
        assertEquals(expected.size(), trace.size());
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(
              expected.get(i),
              trace.get(i),
              "result " + i + " under " + strategy + "/" + memtable + " differs from the model");
        }
      }
    }
  }

  @AfterContainer
  static void leveledAndTieredCompactedAndNoneDidNot() {
    assertTrue(
        COMPACTIONS.getOrDefault("leveled", new AtomicLong()).get() > 0, "leveled never compacted");
    assertTrue(
        COMPACTIONS.getOrDefault("tiered", new AtomicLong()).get() > 0, "tiered never compacted");
    assertEquals(
        0,
        COMPACTIONS.getOrDefault("none", new AtomicLong()).get(),
        "'none' compacted: " + COMPACTIONS);
  }

  @Provide
  Arbitrary<List<Op>> workloads() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 150);
    Arbitrary<Op> put = Combinators.combine(keys, Arbitraries.longs()).as(Put::new);
    Arbitrary<Op> delete = keys.map(Delete::new);
    Arbitrary<Op> batch =
        Arbitraries.frequencyOf(Tuple.of(3, put), Tuple.of(1, delete))
            .list()
            .ofMinSize(1)
            .ofMaxSize(30)
            .map(Batch::new);
    Arbitrary<Op> get = keys.map(Get::new);
    Arbitrary<Op> scan = Combinators.combine(keys, keys).as(Scan::new);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            Tuple.of(40, put),
            Tuple.of(12, delete),
            Tuple.of(6, batch),
            Tuple.of(15, get),
            Tuple.of(4, scan),
            Tuple.of(1, Arbitraries.just(new Flush())),
            Tuple.of(1, Arbitraries.just(new Reopen())));
    return op.list().ofMinSize(100).ofMaxSize(600);
  }

  static byte[] key(int k) {
    return String.format("key%05d", k).getBytes(StandardCharsets.UTF_8);
  }

  /** A value of 0..400 bytes derived from its seed, so shrunk workloads print short. */
  static byte[] value(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] v = new byte[random.nextInt(401)];
    random.nextBytes(v);
    return v;
  }

  private static String render(byte @org.jspecify.annotations.Nullable [] v) {
    return v == null ? "null" : HexFormat.of().formatHex(v);
  }

  private static List<String> runOnModel(List<Op> workload) {
    NavigableMap<byte[], byte[]> model = new TreeMap<>(KeyOrder::compareKeys);
    List<String> trace = new ArrayList<>();
    for (Op op : workload) {
      applyToModel(op, model, trace);
    }
    trace.add(renderAll(model));
    return trace;
  }

  private static void applyToModel(Op op, NavigableMap<byte[], byte[]> model, List<String> trace) {
    switch (op) {
      case Put p -> model.put(key(p.key()), value(p.valueSeed()));
      case Delete d -> model.remove(key(d.key()));
      case Batch b -> b.ops().forEach(o -> applyToModel(o, model, trace));
      case Get g -> trace.add(render(model.get(key(g.key()))));
      case Scan s -> {
        byte[] from = key(Math.min(s.from(), s.to()));
        byte[] to = key(Math.max(s.from(), s.to()));
        trace.add(renderAll(model.subMap(from, true, to, false)));
      }
      case Flush f -> {}
      case Reopen r -> {}
    }
  }

  private static String renderAll(Map<byte[], byte[]> entries) {
    StringBuilder out = new StringBuilder();
    entries.forEach(
        (k, v) ->
            out.append(new String(k, StandardCharsets.UTF_8))
                .append('=')
                .append(render(v))
                .append(';'));
    return out.toString();
  }

  static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(4096)
        .targetFileBytes(4096)
        .maxBytesForLevelBase(16 * 1024)
        .level0CompactionTrigger(2)
        .level0SlowdownTrigger(10_000)
        .level0StopTrigger(10_000)
        .blockBytes(256)
        .build();
  }

  static Db open(Path dir, String memtable, String strategy) {
    Shale.Builder builder = Shale.builder(dir).memtable(memtable).options(options());
    CompactionStrategyProvider none = new NoCompaction();
    return (strategy.equals("none") ? builder.compaction(none) : builder.compaction(strategy))
        .open();
  }

  private static List<String> runOnDb(List<Op> workload, String memtable, String strategy) {
    Path dir = TempDirs.create("shale-metamorphic");
    AtomicLong compactions = COMPACTIONS.computeIfAbsent(strategy, s -> new AtomicLong());
    Db[] db = {open(dir, memtable, strategy)};
    try {
      List<String> trace = new ArrayList<>();
      for (Op op : workload) {
        if (op instanceof Reopen) {
          compactions.addAndGet(db[0].stats().compactions().completed());
          db[0].close();
          db[0] = open(dir, memtable, strategy);
        } else {
          applyToDb(op, db[0], trace);
        }
      }
      trace.add(scanAll(db[0], null, null));
      compactions.addAndGet(db[0].stats().compactions().completed());
      return trace;
    } finally {
      db[0].close();
      TempDirs.delete(dir);
    }
  }

  private static void applyToDb(Op op, Db db, List<String> trace) {
    switch (op) {
      case Put p -> db.put(key(p.key()), value(p.valueSeed()));
      case Delete d -> db.delete(key(d.key()));
      case Batch b -> {
        WriteBatch batch = new WriteBatch();
        for (Op o : b.ops()) {
          if (o instanceof Put p) {
            batch.put(key(p.key()), value(p.valueSeed()));
          } else if (o instanceof Delete d) {
            batch.delete(key(d.key()));
          }
        }
        db.write(batch);
      }
      case Get g -> trace.add(render(db.get(key(g.key()))));
      case Scan s ->
          trace.add(scanAll(db, key(Math.min(s.from(), s.to())), key(Math.max(s.from(), s.to()))));
      case Flush f -> db.flush();
      case Reopen r -> throw new IllegalStateException("handled by the caller");
    }
  }

  private static String scanAll(
      Db db,
      byte @org.jspecify.annotations.Nullable [] from,
      byte @org.jspecify.annotations.Nullable [] to) {
    ReadOptions options = ReadOptions.defaults();
    if (from != null) {
      options = options.withLowerBound(from);
    }
    if (to != null) {
      options = options.withUpperBound(to);
    }
    StringBuilder out = new StringBuilder();
    try (DbIterator it = db.iterator(options)) {
      it.seekToFirst();
      while (it.isValid()) {
        out.append(new String(it.key(), StandardCharsets.UTF_8))
            .append('=')
            .append(render(it.value()))
            .append(';');
        it.next();
      }
    }
    return out.toString();
  }
}
