package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.KeyOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Stateful model test: random chains of puts, deletes, batches, reads, scans, snapshots, flushes,
 * compactions and reopens against a {@code TreeMap}, for each memtable and both compaction
 * strategies. Tiny memtables and files make flushes and compactions happen all the time.
 */
class DbModelTest {

  @Property(tries = 25)
  void skipListMemtableBehavesLikeASortedMap(@ForAll("skiplist") ActionChain<Model> chain) {
    runToEnd(chain);
  }

  @Property(tries = 25)
  void vectorMemtableBehavesLikeASortedMap(@ForAll("vector") ActionChain<Model> chain) {
    runToEnd(chain);
  }

  private static void runToEnd(ActionChain<Model> chain) {
    Model last = null;
    try {
      last = chain.withInvariant("reads match the model", Model::checkSomeReads).run();
      last.checkEverything();
    } finally {
      Model m = chain.finalState().orElse(last);
      if (m != null) {
        m.dispose();
      }
    }
  }

  @Provide
  Arbitrary<ActionChain<Model>> skiplist() {
    return chains("skiplist");
  }

  @Provide
  Arbitrary<ActionChain<Model>> vector() {
    return chains("vector");
  }

  private static Arbitrary<ActionChain<Model>> chains(String memtable) {
    return Arbitraries.of("leveled", "tiered")
        .flatMap(
            strategy ->
                ActionChain.startWith(() -> new Model(memtable, strategy))
                    .withAction(8, new PutAction())
                    .withAction(3, new DeleteAction())
                    .withAction(3, new BatchAction())
                    .withAction(2, new ScanAction())
                    .withAction(
                        1,
                        Action.just(
                            "snapshot", Transformer.mutate("snapshot", Model::takeSnapshot)))
                    .withAction(
                        1,
                        Action.just(
                            "release snapshot",
                            Transformer.mutate("release", Model::releaseSnapshot)))
                    .withAction(
                        1, Action.just("flush", Transformer.mutate("flush", m -> m.db.flush())))
                    .withAction(
                        1,
                        Action.just(
                            "compact",
                            Transformer.mutate("compact", m -> m.db.compactRange(null, null))))
                    .withAction(
                        1, Action.just("reopen", Transformer.mutate("reopen", Model::reopen)))
                    .withMaxTransformations(80));
  }

  static Arbitrary<byte[]> keys() {
    return Arbitraries.integers()
        .between(0, 40)
        .map(i -> ("key" + i).getBytes(StandardCharsets.UTF_8));
  }

  static Arbitrary<byte[]> values() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  static final class PutAction implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return Combinators.combine(keys(), values())
          .as(
              (k, v) ->
                  Transformer.mutate(
                      "put " + new String(k, StandardCharsets.UTF_8) + " (" + v.length + " B)",
                      m -> {
                        m.db.put(k, v);
                        m.model.put(k, v);
                      }));
    }
  }

  static final class DeleteAction implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return keys()
          .map(
              k ->
                  Transformer.mutate(
                      "delete " + new String(k, StandardCharsets.UTF_8),
                      m -> {
                        m.db.delete(k);
                        m.model.remove(k);
                      }));
    }
  }

  static final class BatchAction implements Action.Independent<Model> {
    record Op(boolean put, byte[] key, byte[] value) {}

    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      Arbitrary<Op> op =
          Combinators.combine(Arbitraries.of(true, true, false), keys(), values()).as(Op::new);
      return op.list()
          .ofMinSize(1)
          .ofMaxSize(20)
          .map(
              ops ->
                  Transformer.mutate(
                      "batch of " + ops.size(),
                      m -> {
                        WriteBatch batch = new WriteBatch();
                        for (Op o : ops) {
                          if (o.put()) {
                            batch.put(o.key(), o.value());
                            m.model.put(o.key(), o.value());
                          } else {
                            batch.delete(o.key());
                            m.model.remove(o.key());
                          }
                        }
                        m.db.write(batch);
                      }));
    }
  }

  static final class ScanAction implements Action.Independent<Model> {
    @Override
    public Arbitrary<Transformer<Model>> transformer() {
      return Combinators.combine(
              keys(),
              keys(),
              Arbitraries.of("key1", "key2", "k", "zz"),
              Arbitraries.integers().between(0, 2))
          .as(
              (a, b, prefix, mode) ->
                  Transformer.mutate(
                      "scan",
                      m -> {
                        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
                        switch (mode) {
                          case 0 ->
                              m.checkScan(
                                  ReadOptions.defaults().withLowerBound(a).withUpperBound(b),
                                  m.model,
                                  a,
                                  b,
                                  null);
                          case 1 ->
                              m.checkScan(
                                  ReadOptions.defaults().withPrefix(p), m.model, null, null, p);
                          default -> m.checkSeek(a);
                        }
                      }));
    }
  }

  /** The Db under test and its model. */
  static final class Model {
    final Path dir = TempDirs.create("shale-model");
    final String memtable;
    final String strategy;
    final NavigableMap<byte[], byte[]> model = new TreeMap<>(KeyOrder::compareKeys);
    final List<Snapshot> snapshots = new ArrayList<>();
    final List<NavigableMap<byte[], byte[]>> snapshotModels = new ArrayList<>();
    Db db;

    Model(String memtable, String strategy) {
      this.memtable = memtable;
      this.strategy = strategy;
      this.db = open();
    }

    private Db open() {
      DbOptions options =
          DbOptions.builder()
              .memtableBytes(4096)
              .targetFileBytes(4096)
              .maxBytesForLevelBase(16 * 1024)
              .level0CompactionTrigger(2)
              .blockBytes(256)
              .build();
      return Shale.builder(dir).memtable(memtable).compaction(strategy).options(options).open();
    }

    void reopen() {
      snapshots.forEach(Snapshot::close);
      snapshots.clear();
      snapshotModels.clear();
      db.close();
      db = open();
    }

    void takeSnapshot() {
      snapshots.add(db.snapshot());
      snapshotModels.add(new TreeMap<>(model));
    }

    void releaseSnapshot() {
      if (!snapshots.isEmpty()) {
        snapshots.remove(0).close();
        snapshotModels.remove(0);
      }
    }

    void checkSomeReads() {
      for (int i = 0; i < 41; i += 7) {
        byte[] k = ("key" + i).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(model.get(k), db.get(k), "get key" + i);
        for (int s = 0; s < snapshots.size(); s++) {
          assertArrayEquals(
              snapshotModels.get(s).get(k),
              db.get(k, ReadOptions.defaults().withSnapshot(snapshots.get(s))),
              "get key" + i + " at snapshot " + s);
        }
      }
    }

    void checkEverything() {
      checkScan(ReadOptions.defaults(), model, null, null, null);
      for (int s = 0; s < snapshots.size(); s++) {
        checkScan(
            ReadOptions.defaults().withSnapshot(snapshots.get(s)),
            snapshotModels.get(s),
            null,
            null,
            null);
      }
      reopen();
      checkScan(ReadOptions.defaults(), model, null, null, null);
    }

    void checkScan(
        ReadOptions options,
        NavigableMap<byte[], byte[]> expectedSource,
        byte[] from,
        byte[] to,
        byte[] prefix) {
      NavigableMap<byte[], byte[]> expected = new TreeMap<>(KeyOrder::compareKeys);
      for (Map.Entry<byte[], byte[]> e : expectedSource.entrySet()) {
        byte[] k = e.getKey();
        if ((from == null || KeyOrder.compareKeys(k, from) >= 0)
            && (to == null || KeyOrder.compareKeys(k, to) < 0)
            && (prefix == null || KeyOrder.hasPrefix(k, prefix))) {
          expected.put(k, e.getValue());
        }
      }
      List<String> want = new ArrayList<>();
      expected.forEach((k, v) -> want.add(render(k, v)));
      List<String> got = new ArrayList<>();
      try (DbIterator it = db.iterator(options)) {
        it.seekToFirst();
        while (it.isValid()) {
          got.add(render(it.key(), it.value()));
          it.next();
        }
      }
      assertEquals(want, got);
    }

    void checkSeek(byte[] target) {
      Map.Entry<byte[], byte[]> expected = model.ceilingEntry(target);
      try (DbIterator it = db.iterator(ReadOptions.defaults())) {
        it.seek(target);
        if (expected == null) {
          assertEquals(false, it.isValid());
        } else {
          assertEquals(
              render(expected.getKey(), expected.getValue()), render(it.key(), it.value()));
        }
      }
    }

    private static String render(byte[] k, byte[] v) {
      return new String(k, StandardCharsets.UTF_8) + "=" + java.util.HexFormat.of().formatHex(v);
    }

    void dispose() {
      try {
        snapshots.forEach(Snapshot::close);
        db.close();
      } finally {
        TempDirs.delete(dir);
      }
    }

    @Override
    public String toString() {
      return "Db(" + memtable + ", " + strategy + ", " + model.size() + " keys)";
    }
  }
}
