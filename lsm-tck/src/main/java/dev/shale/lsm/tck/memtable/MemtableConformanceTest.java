package dev.shale.lsm.tck.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.Races;
import dev.shale.lsm.tck.TestEngines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link MemtableProvider} must pass. A plugin author extends it and
 * implements {@link #provider()}; every JUnit test and jqwik property is inherited.
 *
 * <p>What it checks: {@code get} returns the newest version at or below the snapshot (tombstones as
 * tombstones, empty values as values); iteration and {@code seek} follow {@link InternalIterator}'s
 * order exactly (unsigned bytes, prefixes, 0x00/0xFF, sequences up to {@link
 * Sequences#MAX_SEQUENCE}); {@code add} copies out of the caller's reused buffer; arrays handed out
 * stay valid; {@code approximateBytes} grows and covers the raw bytes; {@code entryCount}; reads
 * after {@code freeze}; the visibility contract of {@link Memtable} for readers running while one
 * writer adds and, with {@link MemtableCapability#CONCURRENT_INSERT}, while many writers add; and a
 * jqwik action-chain property against a {@link TreeSet} model of internal keys.
 *
 * <p>What passing does NOT prove:
 *
 * <ul>
 *   <li>Thread-safety in general: concurrency tests run a few threads for a short while on whatever
 *       machine runs them; a race that needs rarer interleavings can pass. Without {@code
 *       CONCURRENT_INSERT} concurrent adds are simply outside the contract, so nothing is checked
 *       for them.
 *   <li>Performance: {@link MemtableCapability#FAST_READS_WHILE_WRITING} promises a cost, not a
 *       behaviour, and tests make no timing assertions; benchmarks measure it.
 *   <li>Scale: tests hold a few megabytes; that {@code approximateBytes} stays honest at gigabytes,
 *       or that the memtable does not exhaust the heap there, is not shown.
 *   <li>Argument validation: what {@code add} does with a bad sequence or slice is not specified,
 *       so it is not tested.
 * </ul>
 *
 * <p>Deliberately broken memtables in {@link BrokenMemtables} fail this suite; run them against it
 * to check that it still bites after you change it.
 */
public abstract class MemtableConformanceTest {

  // ---------------------------------------------------------------- both engines run

  /** Fails when jqwik's engine is missing, which would silently skip this suite's properties. */
  @Test
  public final void jqwikEngineRunsTheProperties() {
    TestEngines.assertJqwikPresent(getClass());
  }

  /** Fails when Jupiter's engine is missing, which would silently skip this suite's tests. */
  @Property(tries = 1)
  public final void jupiterEngineRunsTheTests() {
    TestEngines.assertJupiterPresent(getClass());
  }

  /** The implementation under test. */
  protected abstract MemtableProvider provider();

  // ---------------------------------------------------------------------------------------------
  // Provider

  @Test
  public void providerHasAWellFormedNameAndStableCapabilities() {
    MemtableProvider provider = provider();
    assertTrue(
        provider.name().matches("[a-z0-9][a-z0-9._-]*"),
        "malformed provider name: " + provider.name());
    ProviderRegistry<MemtableProvider> registry =
        ProviderRegistry.of(MemtableProvider.class, List.of(provider));
    assertSame(provider, registry.get(provider.name()));
    Set<MemtableCapability> capabilities = provider.capabilities();
    assertNotNull(capabilities, "capabilities() must not be null");
    assertEquals(capabilities, provider.capabilities(), "capabilities() must not change");
  }

  @Test
  public void createReturnsANewEmptyMemtable() {
    Memtable first = newMemtable();
    add(first, 1, EntryKind.PUT, bytes("k"), bytes("v"));
    Memtable second = newMemtable();
    assertEquals(0, second.entryCount());
    assertNull(second.get(bytes("k"), Sequences.MAX_SEQUENCE), "memtables must not share state");
    try (InternalIterator it = second.iterator()) {
      assertFalse(it.isValid(), "a new iterator is positioned nowhere");
      it.seekToFirst();
      assertFalse(it.isValid(), "an empty memtable has no first entry");
      it.seek(bytes("k"), Sequences.MAX_SEQUENCE);
      assertFalse(it.isValid());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Point reads

  @Test
  public void getReturnsTheNewestVersionAtOrBelowTheSnapshot() {
    Memtable m = newMemtable();
    add(m, 10, EntryKind.PUT, bytes("b"), bytes("b10"));
    add(m, 30, EntryKind.PUT, bytes("b"), bytes("b30"));
    add(m, 20, EntryKind.PUT, bytes("b"), bytes("b20"));
    add(m, 15, EntryKind.PUT, bytes("a"), bytes("a15"));
    add(m, 25, EntryKind.PUT, bytes("c"), bytes("c25"));

    assertNull(m.get(bytes("b"), 9), "no version of b is at or below 9");
    for (long snapshot = 10; snapshot < 20; snapshot++) {
      assertPut(m.get(bytes("b"), snapshot), 10, "b10");
    }
    for (long snapshot = 20; snapshot < 30; snapshot++) {
      assertPut(m.get(bytes("b"), snapshot), 20, "b20");
    }
    assertPut(m.get(bytes("b"), 30), 30, "b30");
    assertPut(m.get(bytes("b"), Sequences.MAX_SEQUENCE), 30, "b30");
    assertNull(m.get(bytes("a"), 14));
    assertPut(m.get(bytes("a"), 100), 15, "a15");
    assertNull(m.get(bytes("c"), 24), "a newer version of c must not be returned");
    assertNull(m.get(bytes("bb"), Sequences.MAX_SEQUENCE), "absent key between others");
    assertNull(m.get(bytes("0"), Sequences.MAX_SEQUENCE), "absent key before all");
    assertNull(m.get(bytes("d"), Sequences.MAX_SEQUENCE), "absent key after all");
  }

  @Test
  public void tombstonesAreReturnedAsTombstones() {
    Memtable m = newMemtable();
    add(m, 1, EntryKind.PUT, bytes("k"), bytes("one"));
    add(m, 2, EntryKind.DELETE, bytes("k"), new byte[0]);
    add(m, 3, EntryKind.PUT, bytes("k"), bytes("three"));
    add(m, 4, EntryKind.DELETE, bytes("only-deleted"), new byte[0]);

    assertPut(m.get(bytes("k"), 1), 1, "one");
    LookupResult deleted = m.get(bytes("k"), 2);
    assertNotNull(deleted, "a tombstone must be returned, not null: it hides older sources");
    assertTrue(deleted.isTombstone());
    assertEquals(EntryKind.DELETE, deleted.kind());
    assertEquals(2, deleted.sequence());
    assertEquals(0, deleted.value().length, "a tombstone has an empty value");
    assertPut(m.get(bytes("k"), 3), 3, "three");

    LookupResult onlyDeleted = m.get(bytes("only-deleted"), Sequences.MAX_SEQUENCE);
    assertNotNull(onlyDeleted);
    assertTrue(onlyDeleted.isTombstone());
    assertEquals(4, onlyDeleted.sequence());
    assertNull(m.get(bytes("only-deleted"), 3));

    assertEquals(
        List.of(
            entry("k", 3, EntryKind.PUT, "three"),
            entry("k", 2, EntryKind.DELETE, ""),
            entry("k", 1, EntryKind.PUT, "one"),
            entry("only-deleted", 4, EntryKind.DELETE, "")),
        readAll(m));
  }

  @Test
  public void emptyValuesAreValuesNotTombstones() {
    Memtable m = newMemtable();
    add(m, 7, EntryKind.PUT, bytes("k"), new byte[0]);
    LookupResult r = m.get(bytes("k"), 7);
    assertNotNull(r, "a put with an empty value must be found");
    assertEquals(EntryKind.PUT, r.kind());
    assertFalse(r.isTombstone());
    assertEquals(0, r.value().length);
    assertEquals(List.of(entry("k", 7, EntryKind.PUT, "")), readAll(m));
  }

  @Test
  public void manyVersionsOfOneKey() {
    Memtable m = newMemtable();
    Random random = new Random(42);
    List<Long> sequences = new ArrayList<>();
    for (long s = 1; s <= 2_000; s += 2) {
      sequences.add(s); // odd sequences, so even snapshots fall between versions
    }
    Collections.shuffle(sequences, random);
    for (long s : sequences) {
      EntryKind kind = s % 7 == 0 ? EntryKind.DELETE : EntryKind.PUT;
      add(m, s, kind, bytes("key"), kind == EntryKind.PUT ? bytes("v" + s) : new byte[0]);
    }
    add(m, 5, EntryKind.PUT, bytes("kex"), bytes("neighbour"));
    add(m, 5, EntryKind.PUT, bytes("kez"), bytes("neighbour"));

    assertNull(m.get(bytes("key"), 0));
    for (long snapshot = 1; snapshot <= 2_001; snapshot++) {
      long expected = Math.min(1_999, snapshot % 2 == 1 ? snapshot : snapshot - 1);
      LookupResult r = m.get(bytes("key"), snapshot);
      assertNotNull(r, "snapshot " + snapshot);
      assertEquals(expected, r.sequence(), "newest version at or below snapshot " + snapshot);
      if (expected % 7 == 0) {
        assertTrue(r.isTombstone(), "version " + expected + " is a tombstone");
      } else {
        assertArrayEquals(bytes("v" + expected), r.value(), "value at snapshot " + snapshot);
      }
    }
    List<Entry> all = readAll(m);
    assertEquals(1_002, all.size());
    for (int i = 1; i < 1_000; i++) { // all[0] is "kex", all[1..1000] are "key"
      assertEquals(
          all.get(i).sequence() - 2,
          all.get(i + 1).sequence(),
          "versions of one key come newest first");
    }
  }

  @Test
  public void keysThatArePrefixesOfEachOther() {
    Memtable m = newMemtable();
    String[] keys = {"abc", "a", "ab", "abcd", "b", "abd"};
    for (int i = 0; i < keys.length; i++) {
      add(m, i + 1, EntryKind.PUT, bytes(keys[i]), bytes("value of " + keys[i]));
    }
    add(m, 10, EntryKind.PUT, new byte[] {'a', 0}, bytes("a+nul"));
    for (String key : keys) {
      LookupResult r = m.get(bytes(key), Sequences.MAX_SEQUENCE);
      assertNotNull(r, key);
      assertArrayEquals(bytes("value of " + key), r.value(), "get(" + key + ")");
    }
    assertNull(m.get(bytes("abce"), Sequences.MAX_SEQUENCE));
    assertNull(m.get(bytes("aa"), Sequences.MAX_SEQUENCE));
    assertEquals(
        List.of("61", "6100", "6162", "616263", "61626364", "616264", "62"),
        readAll(m).stream().map(e -> HEX.formatHex(e.key())).toList(),
        "a prefix sorts before every key it starts, and a NUL byte after the shorter key");
  }

  @Test
  public void keysCompareAsUnsignedBytes() {
    Memtable m = newMemtable();
    byte[][] keys = {
      {(byte) 0xFF},
      {0x00},
      {(byte) 0x80},
      {0x7F},
      {(byte) 0xFF, (byte) 0xFF},
      {0x00, 0x00},
      {0x01},
      {0x00, (byte) 0xFF},
      {(byte) 0x80, 0x00},
    };
    for (int i = 0; i < keys.length; i++) {
      add(m, i + 1, EntryKind.PUT, keys[i], keys[i]);
    }
    assertEquals(
        List.of("00", "0000", "00ff", "01", "7f", "80", "8000", "ff", "ffff"),
        readAll(m).stream().map(e -> HEX.formatHex(e.key())).toList(),
        "keys must compare as unsigned bytes (0x80..0xFF after 0x7F)");
    for (byte[] key : keys) {
      LookupResult r = m.get(key, Sequences.MAX_SEQUENCE);
      assertNotNull(r, HEX.formatHex(key));
      assertArrayEquals(key, r.value());
    }
  }

  @Test
  public void sequencesUpToTheMaximumOrderNewestFirst() {
    Memtable m = newMemtable();
    long[] sequences = {0, 1, 1L << 55, (1L << 55) + 1, Sequences.MAX_SEQUENCE - 1};
    for (long s : sequences) {
      add(m, s, EntryKind.PUT, bytes("k"), bytes(Long.toString(s)));
    }
    add(m, Sequences.MAX_SEQUENCE, EntryKind.DELETE, bytes("k"), new byte[0]);
    List<Long> iterated = readAll(m).stream().map(Entry::sequence).toList();
    assertEquals(
        List.of(
            Sequences.MAX_SEQUENCE, Sequences.MAX_SEQUENCE - 1, (1L << 55) + 1, 1L << 55, 1L, 0L),
        iterated,
        "sequences compare as numbers up to 2^56-1 (trailers with the top bit set included)");
    LookupResult newest = m.get(bytes("k"), Sequences.MAX_SEQUENCE);
    assertNotNull(newest);
    assertTrue(newest.isTombstone());
    assertEquals(Sequences.MAX_SEQUENCE, newest.sequence());
    assertPut(m.get(bytes("k"), Sequences.MAX_SEQUENCE - 1), Sequences.MAX_SEQUENCE - 1, null);
    assertPut(m.get(bytes("k"), (1L << 55) - 1), 1, "1");
    assertPut(m.get(bytes("k"), 0), 0, "0");
  }

  @Test
  public void largeKeysAndValues() {
    Memtable m = newMemtable();
    Random random = new Random(7);
    byte[] bigKey = randomBytes(random, 64 * 1024);
    byte[] bigValue = randomBytes(random, 3 * 1024 * 1024 + 5);
    add(m, 1, EntryKind.PUT, bytes("a"), bytes("small"));
    add(m, 2, EntryKind.PUT, bigKey, bigValue);
    add(m, 3, EntryKind.PUT, bytes("z"), bigValue);
    for (int i = 0; i < 200; i++) {
      add(m, 10 + i, EntryKind.PUT, bytes("m" + i), randomBytes(random, 1 + random.nextInt(3000)));
    }
    LookupResult r = m.get(bigKey, Sequences.MAX_SEQUENCE);
    assertNotNull(r);
    assertArrayEquals(bigValue, r.value());
    LookupResult z = m.get(bytes("z"), Sequences.MAX_SEQUENCE);
    assertNotNull(z);
    assertArrayEquals(bigValue, z.value());
    try (InternalIterator it = m.iterator()) {
      it.seek(bigKey, Sequences.MAX_SEQUENCE);
      assertTrue(it.isValid());
      assertArrayEquals(bigKey, it.key());
      assertArrayEquals(bigValue, it.value());
    }
    assertTrue(m.approximateBytes() >= bigKey.length + 2L * bigValue.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Iteration and seek

  @Test
  public void iteratorVisitsEveryEntryInInternalKeyOrder() {
    Memtable m = newMemtable();
    TreeSet<Entry> model = new TreeSet<>(INTERNAL_ORDER);
    addRandom(m, model, new Random(1), 2_000, 40);
    assertEquals(List.copyOf(model), readAll(m));
    assertEquals(model.size(), m.entryCount());
  }

  @Test
  public void seekFindsTheNewestVersionAtOrBelowTheSequenceElseTheNextKey() {
    Memtable m = newMemtable();
    add(m, 5, EntryKind.PUT, bytes("b"), bytes("b5"));
    add(m, 9, EntryKind.DELETE, bytes("b"), new byte[0]);
    add(m, 3, EntryKind.PUT, bytes("d"), bytes("d3"));
    try (InternalIterator it = m.iterator()) {
      it.seek(bytes("b"), Sequences.MAX_SEQUENCE);
      assertAt(it, "b", 9, EntryKind.DELETE);
      it.seek(bytes("b"), 9);
      assertAt(it, "b", 9, EntryKind.DELETE);
      it.seek(bytes("b"), 8);
      assertAt(it, "b", 5, EntryKind.PUT);
      assertArrayEquals(bytes("b5"), it.value());
      it.seek(bytes("b"), 4);
      assertAt(it, "d", 3, EntryKind.PUT); // no version of b at or below 4: next user key
      it.seek(bytes("a"), 0);
      assertAt(it, "b", 9, EntryKind.DELETE); // absent key before all: the first entry
      it.seek(bytes("c"), 1);
      assertAt(it, "d", 3, EntryKind.PUT);
      it.seek(bytes("ba"), Sequences.MAX_SEQUENCE);
      assertAt(it, "d", 3, EntryKind.PUT);
      it.next();
      assertFalse(it.isValid(), "d was the last entry");
      it.seek(bytes("d"), 2);
      assertFalse(it.isValid(), "nothing at or after (d, 2)");
      it.seek(bytes("e"), Sequences.MAX_SEQUENCE);
      assertFalse(it.isValid(), "nothing after the last key");
      it.seek(bytes("b"), 6); // seeking backwards after running off the end
      assertAt(it, "b", 5, EntryKind.PUT);
      it.next();
      assertAt(it, "d", 3, EntryKind.PUT);
      it.seekToFirst();
      assertAt(it, "b", 9, EntryKind.DELETE);
    }
  }

  @Test
  public void seekAgreesWithTheModelEverywhere() {
    Memtable m = newMemtable();
    TreeSet<Entry> model = new TreeSet<>(INTERNAL_ORDER);
    addRandom(m, model, new Random(2), 600, 12);
    try (InternalIterator it = m.iterator()) {
      for (int k = 0; k < 14; k++) {
        for (byte[] key :
            List.of(smallKey(k), Arrays.copyOf(smallKey(k), 2), Arrays.copyOf(smallKey(k), 4))) {
          for (long s = 0; s <= 700; s += 13) {
            it.seek(key, s);
            List<Entry> expected = model.tailSet(probe(key, s), true).stream().limit(3).toList();
            assertEquals(expected, read(it, 3), "seek(" + HEX.formatHex(key) + ", " + s + ")");
          }
        }
      }
    }
  }

  @Test
  public void arraysHandedOutStayValidAfterTheIteratorMoves() {
    Memtable m = newMemtable();
    TreeSet<Entry> model = new TreeSet<>(INTERNAL_ORDER);
    addRandom(m, model, new Random(3), 300, 30);
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    try (InternalIterator it = m.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        keys.add(it.key());
        values.add(it.value());
      }
    }
    List<Entry> expected = List.copyOf(model);
    assertEquals(expected.size(), keys.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).key(), keys.get(i), "key array " + i + " was reused");
      assertArrayEquals(expected.get(i).value(), values.get(i), "value array " + i + " was reused");
    }
    List<LookupResult> results = new ArrayList<>();
    for (Entry e : expected) {
      results.add(m.get(e.key(), e.sequence()));
    }
    for (int i = 0; i < expected.size(); i++) {
      LookupResult r = results.get(i);
      assertNotNull(r);
      assertArrayEquals(expected.get(i).value(), r.value(), "lookup value " + i + " was reused");
    }
  }

  @Test
  public void iteratorsAreIndependent() {
    Memtable m = newMemtable();
    for (int i = 0; i < 10; i++) {
      add(m, i + 1, EntryKind.PUT, bytes("k" + i), bytes("v" + i));
    }
    try (InternalIterator a = m.iterator();
        InternalIterator b = m.iterator()) {
      a.seekToFirst();
      b.seek(bytes("k5"), Sequences.MAX_SEQUENCE);
      a.next();
      assertArrayEquals(bytes("k1"), a.key());
      assertArrayEquals(bytes("k5"), b.key());
      b.next();
      assertArrayEquals(bytes("k1"), a.key());
      assertArrayEquals(bytes("k6"), b.key());
    }
  }

  @Test
  public void closeIsIdempotent() {
    Memtable m = newMemtable();
    add(m, 1, EntryKind.PUT, bytes("k"), bytes("v"));
    InternalIterator it = m.iterator();
    it.seekToFirst();
    it.close();
    it.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Ownership and accounting

  @Test
  public void addCopiesKeyAndValueOutOfTheCallersBuffer() {
    Memtable m = newMemtable();
    byte[] buffer = new byte[64];
    byte[] key = bytes("the-key");
    byte[] value = bytes("the-value");
    System.arraycopy(key, 0, buffer, 11, key.length);
    System.arraycopy(value, 0, buffer, 30, value.length);
    m.add(5, EntryKind.PUT, buffer, 11, key.length, 30, value.length);
    Arrays.fill(buffer, (byte) 'x');
    System.arraycopy(bytes("other"), 0, buffer, 11, 5);
    m.add(6, EntryKind.PUT, buffer, 0, 3, 3, 3); // "xxx" -> "xxx", reusing the buffer
    Arrays.fill(buffer, (byte) 0);

    LookupResult r = m.get(key, Sequences.MAX_SEQUENCE);
    assertNotNull(r, "the key must be copied: the caller has overwritten its buffer");
    assertArrayEquals(value, r.value(), "the value must be copied");
    assertEquals(
        List.of(
            entry("the-key", 5, EntryKind.PUT, "the-value"), entry("xxx", 6, EntryKind.PUT, "xxx")),
        readAll(m));
  }

  @Test
  public void approximateBytesGrowsAndCoversTheRawBytes() {
    Memtable m = newMemtable();
    Random random = new Random(4);
    long raw = 0;
    long previous = m.approximateBytes();
    assertTrue(previous >= 0);
    for (int i = 0; i < 2_000; i++) {
      byte[] key = bytes("key-" + i);
      byte[] value = randomBytes(random, random.nextInt(1_000));
      add(m, i + 1, EntryKind.PUT, key, value);
      raw += key.length + Long.BYTES + value.length;
      long now = m.approximateBytes();
      assertTrue(now >= previous, "approximateBytes went down from " + previous + " to " + now);
      assertTrue(
          now >= raw,
          "approximateBytes "
              + now
              + " is below the raw bytes added ("
              + raw
              + " for keys, 8-byte trailers and values): the engine would overfill the heap");
      previous = now;
    }
    long before = m.approximateBytes();
    byte[] big = randomBytes(random, 1 << 20);
    add(m, 1_000_000, EntryKind.PUT, bytes("big"), big);
    assertTrue(
        m.approximateBytes() >= before + big.length,
        "a 1 MiB value must add at least 1 MiB to approximateBytes");
  }

  @Test
  public void entryCountCountsEveryAdd() {
    Memtable m = newMemtable();
    assertEquals(0, m.entryCount());
    add(m, 1, EntryKind.PUT, bytes("a"), bytes("1"));
    add(m, 2, EntryKind.PUT, bytes("a"), bytes("2"));
    add(m, 3, EntryKind.DELETE, bytes("a"), new byte[0]);
    add(m, 4, EntryKind.PUT, bytes("b"), new byte[0]);
    assertEquals(4, m.entryCount(), "versions, tombstones and empty values all count");
  }

  // ---------------------------------------------------------------------------------------------
  // Freeze

  @Test
  public void readsAfterFreezeSeeEverything() {
    Memtable m = newMemtable();
    TreeSet<Entry> model = new TreeSet<>(INTERNAL_ORDER);
    addRandom(m, model, new Random(5), 1_000, 50);
    try (InternalIterator before = m.iterator()) {
      before.seekToFirst();
      List<Entry> firstHalf = read(before, model.size() / 2);
      m.freeze();
      List<Entry> rest = read(before, Integer.MAX_VALUE);
      List<Entry> all = new ArrayList<>(firstHalf);
      all.addAll(rest);
      assertEquals(List.copyOf(model), all, "an iterator made before freeze() keeps working");
    }
    assertEquals(model.size(), m.entryCount());
    assertEquals(List.copyOf(model), readAll(m));
    for (Entry e : model) {
      LookupResult r = m.get(e.key(), e.sequence());
      assertNotNull(r);
      assertEquals(e, new Entry(e.key(), r.sequence(), r.kind(), r.value()));
    }
    assertTrue(m.approximateBytes() >= rawBytes(model));
  }

  // ---------------------------------------------------------------------------------------------
  // Visibility and concurrency

  @Test
  public void anIteratorKeepsItsOrderWhileAddsContinue() {
    Memtable m = newMemtable();
    TreeSet<Entry> initial = new TreeSet<>(INTERNAL_ORDER);
    for (int i = 0; i < 500; i++) {
      Entry e = new Entry(bytes(String.format("k%04d", i * 2)), i + 1, EntryKind.PUT, bytes("v"));
      add(m, e);
      initial.add(e);
    }
    List<Entry> seen = new ArrayList<>();
    long sequence = 10_000;
    try (InternalIterator it = m.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        seen.add(current(it));
        int i = seen.size();
        if (i < 500) {
          // Interleave adds behind, among, and ahead of the entries still to come (a bounded
          // number, so that an iterator that shows new entries still ends).
          add(m, sequence++, EntryKind.PUT, bytes(String.format("k%04d", i * 2 + 1)), bytes("n"));
          add(m, sequence++, EntryKind.PUT, bytes(String.format("k%04d", i)), bytes("newer"));
          add(m, sequence++, EntryKind.DELETE, bytes("a" + i), new byte[0]);
        }
      }
    }
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(
          INTERNAL_ORDER.compare(seen.get(i - 1), seen.get(i)) < 0,
          "iteration went out of order while adds continued: "
              + seen.get(i - 1)
              + " then "
              + seen.get(i));
    }
    assertTrue(
        seen.containsAll(initial),
        "an iterator must see every entry whose add returned before it was created");
  }

  /**
   * One writer adds while readers run: each read must see every entry whose add returned before the
   * read began (the visibility contract). This runs for every provider: the engine always has one
   * writer and concurrent readers. With {@link MemtableCapability#CONCURRENT_INSERT}, {@link
   * #manyWritersLoseNothingAndKeepOrder} adds writers. Without it there is no "other side" to
   * check: concurrent adds are outside the contract, and a memtable that is not safe for them may
   * well survive a test, so no failure can be demanded.
   */
  @Test
  public void readersSeeEveryAddThatCompletedBeforeTheyBegan() throws Exception {
    runWritersAndReaders(1, 30_000);
  }

  @Test
  public void manyWritersLoseNothingAndKeepOrder() throws Exception {
    Assumptions.assumeTrue(
        provider().capabilities().contains(MemtableCapability.CONCURRENT_INSERT),
        "the provider does not declare CONCURRENT_INSERT: the engine serializes its adds");
    runWritersAndReaders(4, 15_000);
  }

  /**
   * With {@link MemtableCapability#CONCURRENT_INSERT}, {@link Memtable#entryCount()} counts every
   * add, however many run at once. Writers add in many short rounds that start together ({@link
   * Races}), each round into a fresh memtable where adds are quick, so their adds overlap densely
   * even on two cores: a count kept in a plain field loses increments in every run.
   */
  @Test
  public void entryCountLosesNoConcurrentAdd() throws Exception {
    Assumptions.assumeTrue(
        provider().capabilities().contains(MemtableCapability.CONCURRENT_INSERT),
        "the provider does not declare CONCURRENT_INSERT: the engine serializes its adds");
    int writers = Races.racers();
    int rounds = 500;
    int perRound = 500;
    byte[][] keys = new byte[4096][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = concurrentKey(i);
    }
    AtomicReferenceArray<Memtable> tables = new AtomicReferenceArray<>(rounds);
    AtomicIntegerArray finished = new AtomicIntegerArray(rounds);
    long[] counted = new long[rounds];
    Races.run(
        rounds,
        (round, writer) -> {
          Memtable m = tables.get(round);
          if (m == null) {
            Memtable fresh = newMemtable(0);
            m = tables.compareAndSet(round, null, fresh) ? fresh : tables.get(round);
          }
          byte[] buffer = new byte[32];
          for (int i = 0; i < perRound; i++) {
            long sequence = (long) i * writers + writer + 1;
            int keyLength = writeKey(buffer, keys[i % keys.length]);
            m.add(sequence, EntryKind.PUT, buffer, 0, keyLength, keyLength, 1);
          }
          if (finished.incrementAndGet(round) == writers) { // the round's last writer
            counted[round] = m.entryCount();
            tables.set(round, null);
          }
        });
    long lost = 0;
    for (long count : counted) {
      lost += (long) writers * perRound - count;
    }
    assertEquals(
        0,
        lost,
        "entryCount lost "
            + lost
            + " of "
            + (long) writers * perRound * rounds
            + " adds made by "
            + writers
            + " threads at once, in "
            + rounds
            + " memtables (a count that is not updated atomically?)");
  }

  /**
   * Writer {@code w} adds entry {@code i} as key {@code (i * 7919) % 4096} (so writers collide on
   * keys) with sequence {@code i * writers + w + 1}, disjoint across writers, and then publishes
   * {@code i + 1} as its completed count. Readers read the counts, then check that a get at the
   * sequence of a completed entry returns exactly it and that an iterator holds every completed
   * entry, in order.
   */
  private void runWritersAndReaders(int writers, int perWriter) throws Exception {
    Memtable m = newMemtable(0);
    int readers = 2;
    AtomicLongArray completed = new AtomicLongArray(writers);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    try {
      List<Future<?>> writerFutures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writerFutures.add(
            pool.submit(
                () -> {
                  await(start);
                  byte[] buffer = new byte[32];
                  for (int i = 0; i < perWriter; i++) {
                    long sequence = (long) i * writers + writer + 1;
                    int keyLength = writeKey(buffer, concurrentKey(i));
                    int valueLength = writeValue(buffer, keyLength, sequence);
                    m.add(sequence, EntryKind.PUT, buffer, 0, keyLength, keyLength, valueLength);
                    completed.set(writer, i + 1);
                  }
                  return null;
                }));
      }
      List<Future<?>> readerFutures = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        int reader = r;
        readerFutures.add(
            pool.submit(
                () -> {
                  await(start);
                  Random random = new Random(reader);
                  int rounds = 0;
                  while (!done.get() || rounds < 3) {
                    long[] counts = new long[writers];
                    for (int w = 0; w < writers; w++) {
                      counts[w] = completed.get(w);
                    }
                    checkPointReads(m, random, counts, writers);
                    if (rounds % 4 == 0) {
                      checkIteration(m, counts, writers);
                    }
                    rounds++;
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : writerFutures) {
        join(f);
      }
      done.set(true);
      for (Future<?> f : readerFutures) {
        join(f);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES), "worker threads did not stop");
    }
    assertEquals((long) writers * perWriter, m.entryCount(), "entries were lost");
    long[] all = new long[writers];
    Arrays.fill(all, perWriter);
    checkIteration(m, all, writers);
    try (InternalIterator it = m.iterator()) {
      int n = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      assertEquals((long) writers * perWriter, n, "iteration must hold exactly what was added");
    }
  }

  private static void checkPointReads(Memtable m, Random random, long[] counts, int writers) {
    for (int probe = 0; probe < 64; probe++) {
      int w = random.nextInt(writers);
      if (counts[w] == 0) {
        continue;
      }
      int i = random.nextInt((int) counts[w]);
      long sequence = (long) i * writers + w + 1;
      byte[] key = concurrentKey(i);
      LookupResult r = m.get(key, sequence);
      if (r == null || r.sequence() != sequence) {
        throw new AssertionError(
            "get("
                + HEX.formatHex(key)
                + ", "
                + sequence
                + ") returned "
                + (r == null ? "null" : "sequence " + r.sequence())
                + " although that entry's add had returned before the get began");
      }
      assertArrayEquals(valueOf(sequence), r.value());
    }
  }

  private static void checkIteration(Memtable m, long[] counts, int writers) {
    BitSet seen = new BitSet();
    try (InternalIterator it = m.iterator()) {
      byte[] previousKey = null;
      long previousSequence = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        long sequence = it.sequence();
        if (previousKey != null) {
          int c = Arrays.compareUnsigned(previousKey, key);
          assertTrue(
              c < 0 || (c == 0 && previousSequence > sequence),
              "out of order: ("
                  + HEX.formatHex(previousKey)
                  + ", "
                  + previousSequence
                  + ") then ("
                  + HEX.formatHex(key)
                  + ", "
                  + sequence
                  + ")");
        }
        previousKey = key;
        previousSequence = sequence;
        seen.set((int) sequence);
      }
    }
    for (int w = 0; w < writers; w++) {
      for (long i = 0; i < counts[w]; i++) {
        long sequence = i * writers + w + 1;
        if (!seen.get((int) sequence)) {
          fail(
              "iteration missed sequence "
                  + sequence
                  + " although its add had returned before the iterator was created");
        }
      }
    }
  }

  private static byte[] concurrentKey(int i) {
    return String.format("c%05d", (i * 7919) % 4096)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static int writeKey(byte[] buffer, byte[] key) {
    System.arraycopy(key, 0, buffer, 0, key.length);
    return key.length;
  }

  private static int writeValue(byte[] buffer, int offset, long sequence) {
    byte[] value = valueOf(sequence);
    System.arraycopy(value, 0, buffer, offset, value.length);
    return value.length;
  }

  private static byte[] valueOf(long sequence) {
    return bytes("v" + sequence);
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("start signal never came");
    }
  }

  private static void join(Future<?> future) throws Exception {
    try {
      future.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    } catch (TimeoutException e) {
      fail("a worker thread did not finish within 2 minutes (deadlock or livelock?)");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Model property

  /**
   * Random adds (with the caller's buffer reused and overwritten, as the engine does), gets at
   * random snapshots, full iterations, seeks and a freeze, compared step by step with a sorted set
   * of internal keys.
   */
  @Property(tries = 150)
  public void behavesLikeASortedSetOfInternalKeys(
      @ForAll("memtableActions") ActionChain<ModelState> chain) {
    chain.withInvariant("entryCount matches the model", ModelState::checkCount).run();
  }

  /** The action chains of {@link #behavesLikeASortedSetOfInternalKeys}. */
  @Provide
  public Arbitrary<ActionChain<ModelState>> memtableActions() {
    MemtableProvider provider = provider();
    return ActionChain.<ModelState>startWith(
            () -> new ModelState(provider.create(new MemtableOptions(4096))))
        .withAction(6, new AddAction())
        .withAction(3, new GetAction())
        .withAction(2, new SeekAction())
        .withAction(1, Action.just(Transformer.mutate("iterate all", ModelState::iterateAll)))
        .withAction(1, new FreezeAction())
        .withMaxTransformations(80);
  }

  /** The memtable under test beside its model; public only because jqwik reports it. */
  public static final class ModelState {
    private final Memtable memtable;
    private final TreeSet<Entry> model = new TreeSet<>(INTERNAL_ORDER);
    private final byte[] buffer = new byte[64];
    private boolean frozen;

    ModelState(Memtable memtable) {
      this.memtable = memtable;
    }

    void add(Entry e, int offset) {
      if (model.contains(e)) {
        return; // the engine never adds the same (key, sequence) twice
      }
      System.arraycopy(e.key(), 0, buffer, offset, e.key().length);
      int valueOffset = offset + e.key().length + 1;
      System.arraycopy(e.value(), 0, buffer, valueOffset, e.value().length);
      memtable.add(
          e.sequence(), e.kind(), buffer, offset, e.key().length, valueOffset, e.value().length);
      Arrays.fill(buffer, (byte) 0x5A); // the caller reuses its buffer at once
      model.add(e);
    }

    void get(byte[] key, long snapshot) {
      Entry ceiling = model.ceiling(probe(key, snapshot));
      Entry expected = ceiling != null && Arrays.equals(ceiling.key(), key) ? ceiling : null;
      LookupResult r = memtable.get(key, snapshot);
      Entry actual = r == null ? null : new Entry(key, r.sequence(), r.kind(), r.value());
      assertEquals(expected, actual, "get(" + HEX.formatHex(key) + ", " + snapshot + ")");
    }

    void seek(byte[] key, long sequence) {
      try (InternalIterator it = memtable.iterator()) {
        it.seek(key, sequence);
        List<Entry> expected = model.tailSet(probe(key, sequence), true).stream().limit(4).toList();
        assertEquals(expected, read(it, 4), "seek(" + HEX.formatHex(key) + ", " + sequence + ")");
      }
    }

    void iterateAll() {
      assertEquals(List.copyOf(model), readAll(memtable), "full iteration");
      assertTrue(memtable.approximateBytes() >= rawBytes(model), "approximateBytes below raw");
    }

    void freeze() {
      memtable.freeze();
      frozen = true;
    }

    void checkCount() {
      assertEquals(model.size(), memtable.entryCount(), "entryCount");
    }

    @Override
    public String toString() {
      return "memtable with " + model.size() + " entries" + (frozen ? ", frozen" : "");
    }
  }

  private static Arbitrary<byte[]> modelKeys() {
    return Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFF)
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(3);
  }

  private static Arbitrary<Long> modelSequences() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, Arbitraries.longs().between(0, 60)),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.longs().between(Sequences.MAX_SEQUENCE - 3, Sequences.MAX_SEQUENCE)));
  }

  private static final class AddAction implements Action.Independent<ModelState> {
    @Override
    public boolean precondition(ModelState state) {
      return !state.frozen;
    }

    @Override
    public Arbitrary<Transformer<ModelState>> transformer() {
      Arbitrary<EntryKind> kinds = Arbitraries.of(EntryKind.PUT, EntryKind.PUT, EntryKind.DELETE);
      Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
      Arbitrary<Integer> offsets = Arbitraries.integers().between(0, 40);
      return net.jqwik.api.Combinators.combine(
              modelKeys(), modelSequences(), kinds, values, offsets)
          .as(
              (key, sequence, kind, value, offset) -> {
                Entry e =
                    new Entry(key, sequence, kind, kind == EntryKind.DELETE ? new byte[0] : value);
                return Transformer.mutate("add " + e, s -> s.add(e, offset));
              });
    }
  }

  private static final class GetAction implements Action.Independent<ModelState> {
    @Override
    public Arbitrary<Transformer<ModelState>> transformer() {
      return net.jqwik.api.Combinators.combine(modelKeys(), modelSequences())
          .as(
              (key, snapshot) ->
                  Transformer.mutate(
                      "get " + HEX.formatHex(key) + " at " + snapshot, s -> s.get(key, snapshot)));
    }
  }

  private static final class SeekAction implements Action.Independent<ModelState> {
    @Override
    public Arbitrary<Transformer<ModelState>> transformer() {
      return net.jqwik.api.Combinators.combine(modelKeys(), modelSequences())
          .as(
              (key, sequence) ->
                  Transformer.mutate(
                      "seek " + HEX.formatHex(key) + " at " + sequence,
                      s -> s.seek(key, sequence)));
    }
  }

  private static final class FreezeAction implements Action.Independent<ModelState> {
    @Override
    public boolean precondition(ModelState state) {
      return !state.frozen;
    }

    @Override
    public Arbitrary<Transformer<ModelState>> transformer() {
      return Arbitraries.just(Transformer.mutate("freeze", ModelState::freeze));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static final HexFormat HEX = HexFormat.of();

  /** Internal-key order: user key ascending (unsigned), then sequence descending. */
  private static final Comparator<Entry> INTERNAL_ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
      };

  /**
   * One internal entry, compared by content.
   *
   * @param key the user key
   * @param sequence the sequence number
   * @param kind put or tombstone
   * @param value the value (empty for a tombstone)
   */
  @SuppressWarnings("ArrayRecordComponent") // equals, hashCode and toString compare contents
  public record Entry(byte[] key, long sequence, EntryKind kind, byte[] value) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Entry e
          && Arrays.equals(key, e.key)
          && sequence == e.sequence
          && kind == e.kind
          && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key) * 31 + Long.hashCode(sequence);
    }

    @Override
    public String toString() {
      return "("
          + HEX.formatHex(key)
          + ", "
          + sequence
          + ", "
          + kind
          + ", "
          + HEX.formatHex(value)
          + ")";
    }
  }

  private Memtable newMemtable() {
    return newMemtable(64 * 1024);
  }

  private Memtable newMemtable(long expectedBytes) {
    return provider().create(new MemtableOptions(expectedBytes));
  }

  /** A probe that sorts just before the newest version of {@code key} at or below sequence. */
  private static Entry probe(byte[] key, long sequence) {
    return new Entry(key, sequence, EntryKind.PUT, new byte[0]);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private static byte[] smallKey(int i) {
    return new byte[] {'k', (byte) (i * 19), (byte) 0xFF};
  }

  private static Entry entry(String key, long sequence, EntryKind kind, String value) {
    return new Entry(bytes(key), sequence, kind, bytes(value));
  }

  /** Adds through a reused buffer at an odd offset, then overwrites the buffer. */
  private static void add(Memtable m, long sequence, EntryKind kind, byte[] key, byte[] value) {
    byte[] buffer = new byte[key.length + value.length + 10];
    System.arraycopy(key, 0, buffer, 3, key.length);
    System.arraycopy(value, 0, buffer, 7 + key.length, value.length);
    m.add(sequence, kind, buffer, 3, key.length, 7 + key.length, value.length);
    Arrays.fill(buffer, (byte) 0xA5);
  }

  private static void add(Memtable m, Entry e) {
    add(m, e.sequence(), e.kind(), e.key(), e.value());
  }

  /** Adds {@code count} random entries over {@code keys} distinct keys, recording them. */
  private static void addRandom(Memtable m, Set<Entry> model, Random random, int count, int keys) {
    while (model.size() < count) {
      int k = random.nextInt(keys);
      byte[] key = random.nextBoolean() ? smallKey(k) : Arrays.copyOf(smallKey(k), 2);
      long sequence = random.nextInt(count * 3 / 2);
      EntryKind kind = random.nextInt(4) == 0 ? EntryKind.DELETE : EntryKind.PUT;
      byte[] value =
          kind == EntryKind.DELETE ? new byte[0] : randomBytes(random, random.nextInt(40));
      Entry e = new Entry(key, sequence, kind, value);
      if (model.add(e)) {
        add(m, e);
      }
    }
  }

  private static long rawBytes(Set<Entry> entries) {
    long raw = 0;
    for (Entry e : entries) {
      raw += e.key().length + Long.BYTES + e.value().length;
    }
    return raw;
  }

  private static Entry current(InternalIterator it) {
    return new Entry(it.key(), it.sequence(), it.kind(), it.value());
  }

  /** Up to {@code max} entries from the iterator's position on. */
  private static List<Entry> read(InternalIterator it, int max) {
    List<Entry> out = new ArrayList<>();
    while (it.isValid() && out.size() < max) {
      out.add(current(it));
      it.next();
    }
    return out;
  }

  private static List<Entry> readAll(Memtable m) {
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      return read(it, Integer.MAX_VALUE);
    }
  }

  private static void assertPut(@Nullable LookupResult r, long sequence, @Nullable String value) {
    assertNotNull(r, "expected the version at sequence " + sequence);
    assertEquals(EntryKind.PUT, r.kind());
    assertEquals(sequence, r.sequence());
    if (value != null) {
      assertArrayEquals(bytes(value), r.value());
    }
  }

  private static void assertAt(InternalIterator it, String key, long sequence, EntryKind kind) {
    assertTrue(it.isValid(), "expected (" + key + ", " + sequence + ")");
    assertEquals(key, new String(it.key(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(sequence, it.sequence());
    assertEquals(kind, it.kind());
  }
}
