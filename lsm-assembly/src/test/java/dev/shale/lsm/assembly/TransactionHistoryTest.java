package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.IsolationLevel;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Concurrent transactions against a model of the isolation level. Threads run generated
 * read-modify-write programs (gets, a range scan, puts and deletes of keys they read) on a small
 * hot key set; a recording provider logs the order in which commits are applied. The history is
 * then replayed on a {@code TreeMap}:
 *
 * <ul>
 *   <li>SERIALIZABLE: every committed writing transaction read exactly the state just before its
 *       commit (so commit order is a serial order); every read-only one read some committed state.
 *   <li>SNAPSHOT: no lost update (each written key, which the program read first, still had the
 *       value read just before the commit), and every transaction read one committed state.
 * </ul>
 *
 * Finally the Db must hold the replayed state.
 */
class TransactionHistoryTest {
  private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4", "k5");
  private static final int THREADS = 4;

  /** One transaction's program: keys to read, an optional scan, keys to write (null = delete). */
  record Program(List<String> reads, Optional<String[]> scan, Map<String, Boolean> writes) {}

  /** What one transaction saw and did. */
  record Observed(
      int id,
      Map<String, Optional<String>> reads,
      List<Map.Entry<String[], Map<String, String>>> scans,
      Map<String, Optional<String>> writes) {}

  @Provide
  Arbitrary<List<List<Program>>> programs() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<Optional<String[]>> scan =
        Combinators.combine(key, key)
            .as(
                (a, b) ->
                    new String[] {a.compareTo(b) <= 0 ? a : b, (a.compareTo(b) <= 0 ? b : a) + "~"})
            .optional(0.3);
    Arbitrary<Map<String, Boolean>> writes =
        Arbitraries.maps(key, Arbitraries.of(true, true, true, false)).ofMaxSize(2);
    Arbitrary<Program> program =
        Combinators.combine(key.list().ofMaxSize(2), scan, writes).as(Program::new);
    return program.list().ofSize(10).list().ofSize(THREADS);
  }

  @Property(tries = 12)
  void concurrentHistoriesMeetTheIsolationLevel(
      @ForAll("programs") List<List<Program>> programs, @ForAll IsolationLevel isolation)
      throws Exception {
    Path dir = TempDirs.create("shale-txn-history");
    RecordingTransactions recorder = new RecordingTransactions();
    Map<Integer, Observed> committed = new ConcurrentHashMap<>();
    TreeMap<String, String> initial = new TreeMap<>();
    for (int i = 0; i < 4; i++) {
      initial.put(KEYS.get(i), "init" + i);
    }
    AtomicInteger conflicts = new AtomicInteger();
    try (Db db =
        Shale.builder(dir)
            .options(DbOptions.builder().memtableBytes(16 * 1024).build())
            .transactions(recorder)
            .open()) {
      initial.forEach((k, v) -> db.put(k.getBytes(UTF_8), v.getBytes(UTF_8)));
      TransactionOptions options =
          TransactionOptions.defaults()
              .withIsolation(isolation)
              .withWriteOptions(WriteOptions.of(Durability.MEMORY));
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Thread worker =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < programs.get(thread).size(); i++) {
                      int id = thread * 1000 + i;
                      Observed o = run(db, options, id, programs.get(thread).get(i));
                      if (o == null) {
                        conflicts.incrementAndGet();
                      } else {
                        committed.put(id, o);
                      }
                    }
                  } catch (Throwable e) {
                    synchronized (failures) {
                      failures.add(e);
                    }
                  }
                });
        worker.start();
        threads.add(worker);
      }
      for (Thread worker : threads) {
        worker.join();
      }
      if (!failures.isEmpty()) {
        throw new AssertionError("a worker failed", failures.get(0));
      }
      List<TreeMap<String, String>> states = replay(initial, recorder.commitOrder(), committed);
      check(isolation, recorder.commitOrder(), committed, states);
      TreeMap<String, String> actual = new TreeMap<>();
      try (DbIterator it = db.iterator(ReadOptions.defaults())) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          actual.put(new String(it.key(), UTF_8), new String(it.value(), UTF_8));
        }
      }
      assertEquals(states.get(states.size() - 1), actual, "the Db after the history");
      assertTrue(!committed.isEmpty(), "nothing committed");
    } finally {
      TempDirs.delete(dir);
    }
  }

  /** Runs one program; returns what it saw, or null when its commit conflicted. */
  private static Observed run(Db db, TransactionOptions options, int id, Program p) {
    Map<String, Optional<String>> reads = new HashMap<>();
    List<Map.Entry<String[], Map<String, String>>> scans = new ArrayList<>();
    Map<String, Optional<String>> writes = new HashMap<>();
    try (Transaction txn = db.beginTransaction(options)) {
      List<String> toRead = new ArrayList<>(p.reads());
      toRead.addAll(p.writes().keySet()); // read-modify-write: read what is written
      for (String k : toRead) {
        byte[] v = txn.get(k.getBytes(UTF_8));
        reads.put(k, Optional.ofNullable(v).map(b -> new String(b, UTF_8)));
      }
      if (p.scan().isPresent()) {
        String[] range = p.scan().get();
        Map<String, String> seen = new TreeMap<>();
        ReadOptions bounds =
            ReadOptions.defaults()
                .withLowerBound(range[0].getBytes(UTF_8))
                .withUpperBound(range[1].getBytes(UTF_8));
        try (DbIterator it = txn.iterator(bounds)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            seen.put(new String(it.key(), UTF_8), new String(it.value(), UTF_8));
          }
        }
        scans.add(Map.entry(range, seen));
      }
      for (Map.Entry<String, Boolean> w : p.writes().entrySet()) {
        if (w.getValue()) {
          String value = "t" + id + "(" + reads.get(w.getKey()).orElse("-") + ")";
          txn.put(w.getKey().getBytes(UTF_8), value.getBytes(UTF_8));
          writes.put(w.getKey(), Optional.of(value));
        } else {
          txn.delete(w.getKey().getBytes(UTF_8));
          writes.put(w.getKey(), Optional.empty());
        }
      }
      RecordingTransactions.current.set(id);
      txn.commit();
      return new Observed(id, reads, scans, writes);
    } catch (TransactionConflictException e) {
      return null;
    }
  }

  /** The model state before each commit and after the last: states.get(i) precedes order.get(i). */
  private static List<TreeMap<String, String>> replay(
      TreeMap<String, String> initial, List<Integer> order, Map<Integer, Observed> committed) {
    List<TreeMap<String, String>> states = new ArrayList<>();
    TreeMap<String, String> state = new TreeMap<>(initial);
    states.add(new TreeMap<>(state));
    for (int id : order) {
      Observed o = committed.get(id);
      if (o == null) {
        throw new AssertionError("transaction " + id + " passed validation but did not commit");
      }
      o.writes().forEach((k, v) -> v.ifPresentOrElse(x -> state.put(k, x), () -> state.remove(k)));
      states.add(new TreeMap<>(state));
    }
    return states;
  }

  private static void check(
      IsolationLevel isolation,
      List<Integer> order,
      Map<Integer, Observed> committed,
      List<TreeMap<String, String>> states) {
    Map<Integer, Integer> position = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
    for (Observed o : committed.values()) {
      Integer p = position.get(o.id());
      if (p == null) {
        assertTrue(o.writes().isEmpty(), "a writing transaction committed without validation");
        assertTrue(
            states.stream().anyMatch(s -> sawExactly(o, s)),
            "read-only transaction " + o + " saw no committed state");
        continue;
      }
      TreeMap<String, String> before = states.get(p);
      if (isolation == IsolationLevel.SERIALIZABLE) {
        assertTrue(
            sawExactly(o, before),
            "transaction "
                + o.id()
                + " is not serializable at its commit point: it saw "
                + o
                + " but the state before its commit was "
                + before);
      } else {
        for (String k : o.writes().keySet()) {
          assertEquals(
              Optional.ofNullable(before.get(k)),
              o.reads().get(k),
              "lost update: transaction " + o.id() + " wrote " + k + " over a newer commit");
        }
        assertTrue(
            states.subList(0, p + 1).stream().anyMatch(s -> sawExactly(o, s)),
            "transaction " + o + " did not read one committed snapshot");
      }
    }
  }

  private static boolean sawExactly(Observed o, TreeMap<String, String> state) {
    for (Map.Entry<String, Optional<String>> r : o.reads().entrySet()) {
      if (!r.getValue().equals(Optional.ofNullable(state.get(r.getKey())))) {
        return false;
      }
    }
    for (Map.Entry<String[], Map<String, String>> s : o.scans()) {
      if (!state.subMap(s.getKey()[0], s.getKey()[1]).equals(s.getValue())) {
        return false;
      }
    }
    return true;
  }
}
