package dev.shale.lsm.tck.txn;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.IsolationLevel;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.tck.TestEngines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite for {@link dev.shale.lsm.spi.txn.TransactionProvider}: extend it, return
 * from {@link #openDb} a Db whose {@link Db#beginTransaction} uses the provider under test, and the
 * suite checks own-write visibility over the snapshot, iterators merged with the write set, atomic
 * commit, rollback, the lifecycle (use after the end, snapshot release), first-committer-wins under
 * both isolation levels, read and phantom validation under serializable isolation, write skew
 * allowed by snapshot isolation and refused by serializable, and a jqwik property that runs random
 * transactions against a model with concurrent writes interleaved.
 *
 * <p>What passing does NOT prove: the suite interleaves transactions on one thread, so it does not
 * prove the provider safe under real concurrency (that the engine runs validation atomically with
 * the write is the engine's side); it does not prove durability across crashes, or performance with
 * large read and write sets. Test those with the engine, as lsm-assembly's tests do.
 */
public abstract class TransactionConformanceTest {

  // ---------------------------------------------------------------- both engines run

  /** Fails when jqwik's engine is missing, which would silently skip this suite's properties. */
  @Test
  final void jqwikEngineRunsTheProperties() {
    TestEngines.assertJqwikPresent(getClass());
  }

  /** Fails when Jupiter's engine is missing, which would silently skip this suite's tests. */
  @Property(tries = 1)
  final void jupiterEngineRunsTheTests() {
    TestEngines.assertJupiterPresent(getClass());
  }

  /**
   * Opens, creating it when empty or reopening it otherwise, the Db in {@code directory} whose
   * transactions come from the provider under test. The suite closes it.
   */
  protected abstract Db openDb(Path directory);

  @TempDir Path dir;
  private @Nullable Db db;

  @BeforeEach
  final void openTheDb() {
    db = openDb(dir);
  }

  @AfterEach
  final void closeTheDb() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  private Db db() {
    Db d = db;
    if (d == null) {
      throw new IllegalStateException("no Db open");
    }
    return d;
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static @Nullable String s(byte @Nullable [] bytes) {
    return bytes == null ? null : new String(bytes, UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  private static TransactionOptions level(IsolationLevel level) {
    return TransactionOptions.defaults().withIsolation(level);
  }

  /** Every entry an iterator reaches from the first key on. */
  private static Map<String, String> drain(DbIterator it) {
    Map<String, String> seen = new LinkedHashMap<>();
    for (it.seekToFirst(); it.isValid(); it.next()) {
      seen.put(text(it.key()), text(it.value()));
    }
    return seen;
  }

  // ------------------------------------------------------------------ reads and own writes

  @Test
  final void defaultIsolationIsSerializable() {
    assertEquals(IsolationLevel.SERIALIZABLE, TransactionOptions.defaults().isolation());
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void readsSeeOwnWritesOverTheSnapshot(IsolationLevel isolation) {
    db().put(b("a"), b("1"));
    db().put(b("b"), b("2"));
    try (Transaction txn = db().beginTransaction(level(isolation))) {
      assertEquals("1", s(txn.get(b("a"))));
      txn.put(b("a"), b("10"));
      txn.delete(b("b"));
      txn.put(b("c"), b("30"));
      txn.put(b("e"), new byte[0]);
      assertEquals("10", s(txn.get(b("a"))));
      assertNull(txn.get(b("b")));
      assertEquals("30", s(txn.get(b("c"))));
      assertArrayEquals(new byte[0], txn.get(b("e")), "an empty value is a value, not a delete");
      assertNull(txn.get(b("d")));
      assertEquals("1", s(db().get(b("a"))), "buffered writes are invisible outside");
      assertNull(db().get(b("c")));
    }
    assertEquals("1", s(db().get(b("a"))), "close rolled back");
    assertEquals("2", s(db().get(b("b"))));
  }

  @Test
  final void theSnapshotDoesNotMoveWithLaterCommitsFlushesAndCompactions() {
    db().put(b("a"), b("1"));
    db().put(b("gone"), b("x"));
    try (Transaction txn = db().beginTransaction(level(IsolationLevel.SNAPSHOT))) {
      db().put(b("a"), b("2"));
      db().delete(b("gone"));
      db().put(b("new"), b("n"));
      db().flush();
      db().compactRange(null, null);
      assertEquals("1", s(txn.get(b("a"))));
      assertEquals("x", s(txn.get(b("gone"))));
      assertNull(txn.get(b("new")));
      try (DbIterator it = txn.iterator(ReadOptions.defaults())) {
        assertEquals(Map.of("a", "1", "gone", "x"), drain(it));
      }
    }
  }

  @Test
  final void iteratorsMergeOwnWritesHideOwnDeletesAndHonourBoundsAndPrefix() {
    for (String k : List.of("a1", "a3", "a5", "b1", "b2", "c1")) {
      db().put(b(k), b("db-" + k));
    }
    try (Transaction txn = db().beginTransaction()) {
      txn.put(b("a0"), b("own-a0"));
      txn.put(b("a3"), b("own-a3"));
      txn.delete(b("a5"));
      txn.put(b("a6"), b("own-a6"));
      txn.delete(b("b1"));
      txn.put(b("d"), b("own-d"));
      Map<String, String> expected = new LinkedHashMap<>();
      expected.put("a0", "own-a0");
      expected.put("a1", "db-a1");
      expected.put("a3", "own-a3");
      expected.put("a6", "own-a6");
      expected.put("b2", "db-b2");
      expected.put("c1", "db-c1");
      expected.put("d", "own-d");
      try (DbIterator it = txn.iterator(ReadOptions.defaults())) {
        assertEquals(expected, drain(it));
      }
      try (DbIterator it = txn.iterator(ReadOptions.defaults().withPrefix(b("a")))) {
        assertEquals(List.of("a0", "a1", "a3", "a6"), List.copyOf(drain(it).keySet()));
      }
      ReadOptions bounded = ReadOptions.defaults().withLowerBound(b("a2")).withUpperBound(b("c"));
      try (DbIterator it = txn.iterator(bounded)) {
        assertEquals(List.of("a3", "a6", "b2"), List.copyOf(drain(it).keySet()));
        it.seek(b("a4"));
        assertEquals("a6", s(it.key()));
        it.seek(b("a"));
        assertEquals("a3", s(it.key()), "seek below the lower bound starts at the bound");
      }
      try (DbIterator it = txn.iterator(ReadOptions.defaults())) {
        it.seek(b("a5"));
        assertEquals("a6", s(it.key()), "a deleted key is skipped");
        it.seek(b("zz"));
        assertFalse(it.isValid());
      }
    }
  }

  @Test
  final void writesMadeWhileIteratingDoNotBreakTheIterator() {
    for (String k : List.of("a", "c", "e")) {
      db().put(b(k), b(k));
    }
    try (Transaction txn = db().beginTransaction();
        DbIterator it = txn.iterator(ReadOptions.defaults())) {
      List<String> seen = new ArrayList<>();
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = text(it.key());
        seen.add(k);
        if (k.equals("a")) {
          txn.put(b("b"), b("b")); // ahead of the position: seen
          txn.delete(b("e"));
        }
      }
      assertEquals(List.of("a", "b", "c"), seen);
    }
  }

  // ------------------------------------------------------------------ commit and lifecycle

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void commitAppliesEveryWriteAndRollbackNone(IsolationLevel isolation) {
    db().put(b("x"), b("old"));
    Transaction txn = db().beginTransaction(level(isolation));
    txn.put(b("k1"), b("v1"));
    txn.put(b("k2"), b("v2"));
    txn.delete(b("x"));
    txn.commit();
    assertEquals("v1", s(db().get(b("k1"))));
    assertEquals("v2", s(db().get(b("k2"))));
    assertNull(db().get(b("x")));

    Transaction rolled = db().beginTransaction(level(isolation));
    rolled.put(b("k1"), b("changed"));
    rolled.put(b("k3"), b("v3"));
    rolled.rollback();
    assertEquals("v1", s(db().get(b("k1"))));
    assertNull(db().get(b("k3")));
  }

  @Test
  final void everyMethodButCloseThrowsIllegalStateAfterTheEnd() {
    for (Consumer<Transaction> end :
        List.<Consumer<Transaction>>of(Transaction::commit, Transaction::rollback)) {
      Transaction txn = db().beginTransaction();
      txn.put(b("k"), b("v"));
      DbIterator open = txn.iterator(ReadOptions.defaults());
      end.accept(txn);
      assertThrows(IllegalStateException.class, () -> txn.get(b("k")));
      assertThrows(IllegalStateException.class, () -> txn.put(b("k"), b("v")));
      assertThrows(IllegalStateException.class, () -> txn.delete(b("k")));
      assertThrows(IllegalStateException.class, () -> txn.iterator(ReadOptions.defaults()));
      assertThrows(IllegalStateException.class, txn::startSequence);
      assertThrows(IllegalStateException.class, txn::commit);
      assertThrows(IllegalStateException.class, txn::rollback);
      assertThrows(
          IllegalStateException.class,
          open::seekToFirst,
          "an iterator does not outlive its transaction");
      open.close();
      assertDoesNotThrow(txn::close);
      assertDoesNotThrow(txn::close);
    }
  }

  @Test
  final void snapshotsAreReleasedWhenTransactionsEnd() {
    Transaction committed = db().beginTransaction();
    committed.put(b("k"), b("v"));
    Transaction rolledBack = db().beginTransaction();
    Transaction closed = db().beginTransaction();
    Transaction conflicting = db().beginTransaction();
    conflicting.put(b("k"), b("other"));
    Transaction readOnly = db().beginTransaction();
    readOnly.get(b("k"));
    assertTrue(db().stats().snapshots().open() >= 5, "each open transaction holds a snapshot");
    committed.commit();
    rolledBack.rollback();
    closed.close();
    assertThrows(TransactionConflictException.class, conflicting::commit);
    readOnly.commit();
    assertEquals(0, db().stats().snapshots().open(), "a finished transaction leaked its snapshot");
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose
  final void badArgumentsAreRejected() {
    try (Transaction txn = db().beginTransaction()) {
      assertThrows(IllegalArgumentException.class, () -> txn.get(null));
      assertThrows(IllegalArgumentException.class, () -> txn.get(new byte[0]));
      assertThrows(IllegalArgumentException.class, () -> txn.put(null, b("v")));
      assertThrows(IllegalArgumentException.class, () -> txn.put(new byte[0], b("v")));
      assertThrows(IllegalArgumentException.class, () -> txn.put(b("k"), null));
      assertThrows(IllegalArgumentException.class, () -> txn.delete(null));
      assertThrows(IllegalArgumentException.class, () -> txn.delete(new byte[0]));
      assertThrows(IllegalArgumentException.class, () -> txn.iterator(null));
      txn.put(b("ok"), b("v"));
      txn.commit();
    }
    assertThrows(IllegalArgumentException.class, () -> db().beginTransaction(null));
    // A key over the Db's limit (64 KiB by default) is refused at put or at commit; nothing lands.
    Transaction big = db().beginTransaction();
    try {
      big.put(b("small"), b("v"));
      big.put(new byte[1 << 20], b("v"));
      big.commit();
      fail("a 1 MiB key was committed");
    } catch (IllegalArgumentException expected) {
      // refused
    } finally {
      big.close();
    }
    assertNull(db().get(b("small")));
  }

  @Test
  final void arraysAreCopiedInAndOut() {
    byte[] key = b("k");
    byte[] value = b("v");
    try (Transaction txn = db().beginTransaction()) {
      txn.put(key, value);
      key[0] = 'x';
      value[0] = 'w';
      byte[] read = Objects.requireNonNull(txn.get(b("k")));
      assertEquals("v", s(read));
      read[0] = 'z';
      assertEquals("v", s(txn.get(b("k"))));
      txn.commit();
    }
    assertEquals("v", s(db().get(b("k"))));
  }

  @Test
  final void aCommittedTransactionSurvivesReopen() {
    try (Transaction txn =
        db().beginTransaction(
                TransactionOptions.defaults()
                    .withWriteOptions(WriteOptions.of(Durability.LOCAL)))) {
      txn.put(b("durable"), b("yes"));
      txn.commit();
    }
    closeTheDb();
    db = openDb(dir);
    assertEquals("yes", s(db().get(b("durable"))));
  }

  // ------------------------------------------------------------------ conflicts

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void firstCommitterWinsOnAWrittenKeyAndTheLoserWritesNothing(IsolationLevel isolation) {
    db().put(b("counter"), b("0"));
    Transaction first = db().beginTransaction(level(isolation));
    Transaction second = db().beginTransaction(level(isolation));
    first.put(b("counter"), b("1"));
    second.put(b("counter"), b("2"));
    second.put(b("other"), b("from-second"));
    first.commit();
    assertThrows(TransactionConflictException.class, second::commit);
    assertEquals("1", s(db().get(b("counter"))));
    assertNull(db().get(b("other")), "the conflicting transaction wrote something");

    Transaction blind = db().beginTransaction(level(isolation));
    blind.delete(b("counter"));
    db().put(b("counter"), b("outside"));
    assertThrows(
        TransactionConflictException.class,
        blind::commit,
        "a plain write after the start conflicts too");
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void aChangedReadKeyConflictsOnlyUnderSerializable(IsolationLevel isolation) {
    db().put(b("read"), b("1"));
    Transaction txn = db().beginTransaction(level(isolation));
    assertEquals("1", s(txn.get(b("read"))));
    txn.put(b("written"), b("x"));
    db().put(b("read"), b("2"));
    if (isolation == IsolationLevel.SERIALIZABLE) {
      assertThrows(TransactionConflictException.class, txn::commit);
      assertNull(db().get(b("written")));
    } else {
      txn.commit();
      assertEquals("x", s(db().get(b("written"))));
    }
  }

  @Test
  final void readingAnAbsentKeyThatIsThenInsertedConflictsUnderSerializable() {
    Transaction txn = db().beginTransaction();
    assertNull(txn.get(b("absent")));
    txn.put(b("w"), b("x"));
    db().put(b("absent"), b("now-present"));
    assertThrows(TransactionConflictException.class, txn::commit);
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void anInsertIntoAScannedRangeIsAPhantomUnderSerializable(IsolationLevel isolation) {
    db().put(b("r1"), b("1"));
    db().put(b("r3"), b("3"));
    Transaction txn = db().beginTransaction(level(isolation));
    ReadOptions range = ReadOptions.defaults().withLowerBound(b("r")).withUpperBound(b("s"));
    try (DbIterator it = txn.iterator(range)) {
      assertEquals(2, drain(it).size());
    }
    txn.put(b("count"), b("2"));
    db().put(b("r2"), b("2")); // inside the scanned range
    if (isolation == IsolationLevel.SERIALIZABLE) {
      assertThrows(TransactionConflictException.class, txn::commit);
    } else {
      txn.commit();
    }
  }

  @Test
  final void writesOutsideWhatWasScannedDoNotConflict() {
    for (String k : List.of("a", "b", "c", "d")) {
      db().put(b(k), b(k));
    }
    Transaction txn = db().beginTransaction();
    try (DbIterator it = txn.iterator(ReadOptions.defaults().withUpperBound(b("m")))) {
      it.seek(b("b"));
      assertEquals("b", s(it.key()));
      it.next();
      assertEquals("c", s(it.key())); // stop here: the scan covered [b, c]
    }
    txn.put(b("result"), b("r"));
    db().put(b("a"), b("before-the-scan"));
    db().put(b("d"), b("after-the-last-key-read"));
    db().put(b("z"), b("beyond-the-bound"));
    txn.commit();
    assertEquals("r", s(db().get(b("result"))));
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  final void writeSkewIsAllowedBySnapshotIsolationAndRefusedBySerializable(
      IsolationLevel isolation) {
    // Two doctors on call; each may go off call if the other is still on. Run concurrently, each
    // sees the other on call and both go off: write skew.
    db().put(b("alice"), b("on"));
    db().put(b("bob"), b("on"));
    Transaction t1 = db().beginTransaction(level(isolation));
    Transaction t2 = db().beginTransaction(level(isolation));
    assertEquals("on", s(t1.get(b("bob"))));
    t1.put(b("alice"), b("off"));
    assertEquals("on", s(t2.get(b("alice"))));
    t2.put(b("bob"), b("off"));
    t1.commit();
    if (isolation == IsolationLevel.SNAPSHOT) {
      t2.commit();
      assertEquals("off", s(db().get(b("alice"))));
      assertEquals("off", s(db().get(b("bob"))), "snapshot isolation allows write skew");
    } else {
      assertThrows(TransactionConflictException.class, t2::commit);
      assertEquals("on", s(db().get(b("bob"))), "serializable keeps one doctor on call");
    }
  }

  // ------------------------------------------------------------------ model property

  /** One step of the property: an operation of the transaction or a concurrent plain write. */
  sealed interface Step permits TxnGet, TxnPut, TxnDelete, TxnScan, OutsidePut, OutsideDelete {}

  record TxnGet(String key) implements Step {}

  record TxnPut(String key, String value) implements Step {}

  record TxnDelete(String key) implements Step {}

  /** Scans {@code [from, to)} reading at most {@code limit} entries. */
  record TxnScan(String from, String to, int limit) implements Step {}

  record OutsidePut(String key, String value) implements Step {}

  record OutsideDelete(String key) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "h");
    Arbitrary<String> values = Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(4);
    Arbitrary<Step> step =
        Arbitraries.oneOf(
            keys.map(TxnGet::new),
            Combinators.combine(keys, values).as(TxnPut::new),
            keys.map(TxnDelete::new),
            Combinators.combine(keys, keys, Arbitraries.integers().between(1, 9))
                .as((x, y, n) -> new TxnScan(min(x, y), max(x, y) + "~", n)),
            Combinators.combine(keys, values).as(OutsidePut::new),
            keys.map(OutsideDelete::new));
    return step.list().ofMinSize(1).ofMaxSize(14);
  }

  @Provide
  Arbitrary<Map<String, String>> initial() {
    return Arbitraries.maps(
            Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "h"),
            Arbitraries.strings().alpha().ofLength(2))
        .ofMaxSize(6);
  }

  private static String min(String x, String y) {
    return x.compareTo(y) <= 0 ? x : y;
  }

  private static String max(String x, String y) {
    return x.compareTo(y) <= 0 ? y : x;
  }

  /**
   * One transaction with concurrent plain writes interleaved: every read matches the model (its
   * snapshot plus its own writes); commit conflicts whenever it must (a written key, or under
   * serializable isolation a read key or a key in a covered range, changed after the start) and
   * succeeds when nothing it could depend on changed; the Db then holds exactly what the model
   * says.
   */
  @Property(tries = 40)
  final void randomTransactionsAgreeWithTheModel(
      @ForAll("initial") Map<String, String> initial,
      @ForAll("steps") List<Step> steps,
      @ForAll IsolationLevel isolation) {
    Path directory = createTempDirectory();
    try (Db d = openDb(directory)) {
      TreeMap<String, String> committed = new TreeMap<>(initial);
      initial.forEach((k, v) -> d.put(b(k), b(v)));
      TreeMap<String, String> snapshot = new TreeMap<>(committed);
      TreeMap<String, Optional<String>> writes = new TreeMap<>();
      Set<String> reads = new TreeSet<>();
      List<String[]> exactRanges = new ArrayList<>(); // [from, to) with "\0"-successors
      List<String[]> boundRanges = new ArrayList<>();
      Set<String> changed = new TreeSet<>();
      Transaction txn = d.beginTransaction(level(isolation));
      try {
        for (Step step : steps) {
          switch (step) {
            case TxnGet g -> {
              Optional<String> own = writes.get(g.key());
              String expected = own != null ? own.orElse(null) : snapshot.get(g.key());
              if (own == null) {
                reads.add(g.key());
              }
              assertEquals(expected, s(txn.get(b(g.key()))), step.toString());
            }
            case TxnPut p -> {
              txn.put(b(p.key()), b(p.value()));
              writes.put(p.key(), Optional.of(p.value()));
            }
            case TxnDelete del -> {
              txn.delete(b(del.key()));
              writes.put(del.key(), Optional.empty());
            }
            case TxnScan sc -> {
              TreeMap<String, String> view = new TreeMap<>(snapshot);
              writes.forEach(
                  (k, v) -> v.ifPresentOrElse(x -> view.put(k, x), () -> view.remove(k)));
              List<Map.Entry<String, String>> all =
                  new ArrayList<>(view.subMap(sc.from(), sc.to()).entrySet());
              List<Map.Entry<String, String>> expected =
                  all.subList(0, Math.min(sc.limit(), all.size()));
              List<Map.Entry<String, String>> actual = new ArrayList<>();
              ReadOptions bounds =
                  ReadOptions.defaults().withLowerBound(b(sc.from())).withUpperBound(b(sc.to()));
              try (DbIterator it = txn.iterator(bounds)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                  actual.add(Map.entry(text(it.key()), text(it.value())));
                  if (actual.size() == sc.limit()) {
                    break;
                  }
                }
              }
              assertEquals(expected, actual, step.toString());
              boolean exhausted = all.size() < sc.limit();
              String end = exhausted ? sc.to() : expected.get(expected.size() - 1).getKey() + "\0";
              if (exhausted || !expected.isEmpty()) {
                exactRanges.add(new String[] {sc.from(), end});
              }
              boundRanges.add(new String[] {sc.from(), sc.to()});
            }
            case OutsidePut p -> {
              d.put(b(p.key()), b(p.value()));
              committed.put(p.key(), p.value());
              changed.add(p.key());
            }
            case OutsideDelete del -> {
              d.delete(b(del.key()));
              committed.remove(del.key());
              changed.add(del.key());
            }
          }
        }
        boolean serializable = isolation == IsolationLevel.SERIALIZABLE;
        boolean writesChanged = writes.keySet().stream().anyMatch(changed::contains);
        boolean readsChanged = reads.stream().anyMatch(changed::contains);
        boolean mustConflict =
            !writes.isEmpty()
                && (writesChanged
                    || (serializable && (readsChanged || intersects(exactRanges, changed))));
        boolean mayConflict =
            mustConflict
                || (writes.isEmpty() && (readsChanged || intersects(boundRanges, changed)))
                || (serializable && !writes.isEmpty() && intersects(boundRanges, changed));
        boolean conflicted;
        try {
          txn.commit();
          conflicted = false;
        } catch (TransactionConflictException e) {
          conflicted = true;
        }
        if (mustConflict) {
          assertTrue(conflicted, "the commit had to conflict: changed " + changed);
        } else if (!mayConflict) {
          assertFalse(conflicted, "nothing the transaction depended on changed: " + changed);
        }
        if (!conflicted) {
          writes.forEach(
              (k, v) -> v.ifPresentOrElse(x -> committed.put(k, x), () -> committed.remove(k)));
        }
        try (DbIterator it = d.iterator(ReadOptions.defaults())) {
          assertEquals(committed, new TreeMap<>(drain(it)), "the Db after the commit");
        }
      } finally {
        txn.close();
      }
    } finally {
      deleteRecursively(directory);
    }
  }

  private static boolean intersects(List<String[]> ranges, Set<String> keys) {
    for (String k : keys) {
      for (String[] r : ranges) {
        if (k.compareTo(r[0]) >= 0 && k.compareTo(r[1]) < 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("shale-txn-tck");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
