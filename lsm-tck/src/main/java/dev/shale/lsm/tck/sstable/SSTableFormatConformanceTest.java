package dev.shale.lsm.tck.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.sstable.SSTableCapability;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.tck.TestEngines;
import dev.shale.lsm.tck.sstable.TableModel.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite of an {@link SSTableFormat}: extend it, implement {@link #format()}, and
 * run the subclass (JUnit 5 and jqwik engines). Tests of optional behaviour check the format's
 * {@link SSTableFormat#capabilities()} on both sides: with a capability it must work, without it
 * the documented fallback must hold, and tests that only make sense with it are skipped with the
 * reason.
 *
 * <p>What passing does NOT prove: that the reader is safe under real concurrency (one small
 * multi-threaded test runs, nothing more), that tables of gigabytes work (tables here are kilobytes
 * to a few megabytes), that I/O failures of the underlying file are handled (the files here are in
 * memory), that the format is fast, or that damage is detected beyond single flipped bytes of a
 * small table, truncation and header damage.
 */
public abstract class SSTableFormatConformanceTest {

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

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final long FILE_ID = 42;

  @TempDir Path tempDir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The implementation under test. */
  protected abstract SSTableFormat format();

  /**
   * The largest filter false-positive rate accepted at 10 bits per key (measured on 20,000 absent
   * keys). A Bloom filter achieves about 1%; the default bound of 2.5% leaves room for sampling
   * noise and cache-local designs.
   */
  protected double maxFalsePositiveRateAt10BitsPerKey() {
    return 0.025;
  }

  @AfterEach
  final void closeEverything() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    toClose.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private boolean has(SSTableCapability capability) {
    return format().capabilities().contains(capability);
  }

  /** Writes the model's entries; returns the file's bytes. */
  private byte[] write(TableModel model, TableWriterOptions options) throws IOException {
    ByteArrayTableOutput out = new ByteArrayTableOutput("table.sst");
    try (SSTableWriter writer = format().newWriter(out, options)) {
      for (Entry e : model.entries()) {
        writer.add(e.key(), e.sequence(), e.kind(), e.value());
      }
      writer.finish();
    }
    out.close();
    return out.toByteArray();
  }

  private SSTableReader open(byte[] file, BlockCache cache) throws IOException {
    return open(new ByteArrayTableInput("table.sst", file), cache);
  }

  private SSTableReader open(ByteArrayTableInput input, BlockCache cache) throws IOException {
    SSTableReader reader = format().openReader(input, new TableReaderOptions(FILE_ID, cache));
    toClose.add(reader);
    return reader;
  }

  /** Opens and fully verifies {@code file}, closing the reader. */
  private void openAndVerify(byte[] file) throws IOException {
    try (SSTableReader reader =
        format()
            .openReader(
                new ByteArrayTableInput("damaged.sst", file),
                new TableReaderOptions(FILE_ID, new RecordingBlockCache(true)))) {
      reader.verify(bytes -> {});
    }
  }

  private static TableWriterOptions options(
      int blockBytes, int restartInterval, int bloomBitsPerKey, String codec) {
    return new TableWriterOptions(blockBytes, restartInterval, bloomBitsPerKey, codec);
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static LookupResult found(@Nullable LookupResult result) {
    if (result == null) {
      throw new AssertionError("expected a version, found nothing");
    }
    return result;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** A model of {@code n} keys "key-00000".. with one or two versions each and some tombstones. */
  private static TableModel simpleModel(int n, int valueBytes) {
    TableModel model = new TableModel();
    for (int i = 0; i < n; i++) {
      byte[] k = key(String.format("key-%05d", i));
      byte[] v = TableSpecs.patterned(valueBytes + i % 7);
      model.add(k, 1000 + i, i % 5 == 4 ? EntryKind.DELETE : EntryKind.PUT, v);
      if (i % 3 == 0) {
        model.add(k, 10 + i, EntryKind.PUT, TableSpecs.patterned(i % 11));
      }
    }
    return model;
  }

  private static void assertEntry(@Nullable Entry expected, InternalIterator it, String context) {
    if (expected == null) {
      assertFalse(
          it.isValid(),
          () -> context + ": expected the end, found " + hex(it.key()) + "@" + it.sequence());
      return;
    }
    assertTrue(it.isValid(), () -> context + ": expected " + expected + ", found the end");
    assertArrayEquals(expected.key(), it.key(), () -> context + ": key of " + expected);
    assertEquals(expected.sequence(), it.sequence(), () -> context + ": sequence of " + expected);
    assertEquals(expected.kind(), it.kind(), () -> context + ": kind of " + expected);
    if (expected.kind() == EntryKind.PUT) {
      assertArrayEquals(expected.value(), it.value(), () -> context + ": value of " + expected);
    } else {
      assertEquals(0, it.value().length, () -> context + ": a tombstone has an empty value");
    }
  }

  private static void assertLookup(
      @Nullable Entry expected, @Nullable LookupResult actual, String context) {
    if (expected == null) {
      assertNull(actual, () -> context + ": expected nothing, found " + actual);
      return;
    }
    assertNotNull(actual, () -> context + ": expected " + expected + ", found nothing");
    assertEquals(expected.sequence(), actual.sequence(), () -> context + ": sequence");
    assertEquals(expected.kind(), actual.kind(), () -> context + ": kind");
    if (expected.kind() == EntryKind.PUT) {
      assertArrayEquals(expected.value(), actual.value(), () -> context + ": value");
    } else {
      assertTrue(actual.isTombstone(), context);
    }
  }

  private void checkEverything(TableModel model, SSTableReader reader, Random random) {
    List<Entry> entries = model.entries();
    // full iteration
    try (InternalIterator it = reader.iterator(true)) {
      assertFalse(it.isValid(), "a new iterator is positioned nowhere");
      it.seekToFirst();
      for (Entry e : entries) {
        assertEntry(e, it, "full scan");
        it.next();
      }
      assertEntry(null, it, "full scan");
    }
    // gets at every interesting snapshot, for every key and for absent neighbours
    List<Long> snapshots = model.interestingSnapshots();
    List<byte[]> userKeys = model.userKeys();
    for (byte[] k : userKeys) {
      assertTrue(reader.mayContain(k), () -> "filter false negative for " + hex(k));
      List<Long> sample = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        sample.add(snapshots.get(random.nextInt(snapshots.size())));
      }
      sample.add(Sequences.MAX_SEQUENCE);
      sample.add(0L);
      for (long s : sample) {
        assertLookup(model.get(k, s), reader.get(k, s), "get(" + hex(k) + ", " + s + ")");
      }
      byte[] after = Arrays.copyOf(k, k.length + 1); // the smallest key after k
      assertLookup(
          model.get(after, Sequences.MAX_SEQUENCE),
          reader.get(after, Sequences.MAX_SEQUENCE),
          "get of absent " + hex(after));
    }
    for (Entry e : entries) {
      assertLookup(e, reader.get(e.key(), e.sequence()), "get at the entry's own sequence");
    }
    // seeks: at every entry, at every key, between keys, before the first, after the last
    try (InternalIterator it = reader.iterator(random.nextBoolean())) {
      for (Entry e : entries) {
        it.seek(e.key(), e.sequence());
        assertEntry(e, it, "seek(" + e + ")");
        if (e.sequence() > 0) {
          it.seek(e.key(), e.sequence() - 1);
          assertEntry(model.seek(e.key(), e.sequence() - 1), it, "seek just below " + e);
        }
      }
      for (byte[] k : userKeys) {
        it.seek(k, Sequences.MAX_SEQUENCE);
        assertEntry(model.seek(k, Sequences.MAX_SEQUENCE), it, "seek(" + hex(k) + ", MAX)");
        byte[] after = Arrays.copyOf(k, k.length + 1);
        it.seek(after, Sequences.MAX_SEQUENCE);
        assertEntry(model.seek(after, Sequences.MAX_SEQUENCE), it, "seek between keys");
        long s = snapshots.get(random.nextInt(snapshots.size()));
        it.seek(k, s);
        assertEntry(model.seek(k, s), it, "seek(" + hex(k) + ", " + s + ")");
        if (it.isValid()) {
          it.next();
          Entry seen = model.seek(k, s);
          Entry expected =
              seen == null
                  ? null
                  : model.entries().stream()
                      .filter(x -> TableModel.INTERNAL_ORDER.compare(x, seen) > 0)
                      .findFirst()
                      .orElse(null);
          assertEntry(expected, it, "next after seek");
        }
      }
      it.seek(new byte[] {0x00}, Sequences.MAX_SEQUENCE);
      assertEntry(model.seek(new byte[] {0x00}, Sequences.MAX_SEQUENCE), it, "seek before first");
      byte[] last = userKeys.get(userKeys.size() - 1);
      byte[] beyond = Arrays.copyOf(last, last.length + 2);
      beyond[last.length] = (byte) 0xFF;
      it.seek(beyond, Sequences.MAX_SEQUENCE);
      assertEntry(null, it, "seek after last");
    }
  }

  private void checkProperties(TableModel model, TableProperties p, TableWriterOptions options) {
    List<Entry> entries = model.entries();
    assertEquals(format().name(), p.formatName(), "formatName");
    assertEquals(format().formatVersion(), p.formatVersion(), "formatVersion");
    assertEquals(entries.size(), p.entryCount(), "entryCount");
    assertEquals(
        entries.stream().filter(e -> e.kind() == EntryKind.DELETE).count(),
        p.tombstoneCount(),
        "tombstoneCount");
    assertArrayEquals(entries.get(0).key(), p.smallestKey(), "smallestKey");
    assertArrayEquals(entries.get(entries.size() - 1).key(), p.largestKey(), "largestKey");
    assertEquals(
        entries.stream().mapToLong(Entry::sequence).min().orElseThrow(),
        p.smallestSequence(),
        "smallestSequence");
    assertEquals(
        entries.stream().mapToLong(Entry::sequence).max().orElseThrow(),
        p.largestSequence(),
        "largestSequence");
    assertEquals(
        entries.stream().mapToLong(e -> e.key().length).sum(), p.rawKeyBytes(), "rawKeyBytes");
    assertEquals(
        entries.stream().mapToLong(e -> e.value().length).sum(),
        p.rawValueBytes(),
        "rawValueBytes");
    assertEquals(options.compression(), p.compression(), "compression");
    assertTrue(p.dataBlockCount() >= 1, "dataBlockCount");
    assertTrue(p.dataBytes() > 0, "dataBytes");
    assertTrue(p.indexBytes() >= 0, "indexBytes");
    if (!has(SSTableCapability.FILTER) || options.bloomBitsPerKey() == 0) {
      assertEquals(0, p.filterBytes(), "filterBytes without a filter");
      assertEquals(0, p.bloomBitsPerKey(), "bloomBitsPerKey without a filter");
    } else {
      assertEquals(options.bloomBitsPerKey(), p.bloomBitsPerKey(), "bloomBitsPerKey");
      assertTrue(p.filterBytes() > 0, "filterBytes with a filter");
    }
  }

  private static void assertSameProperties(TableProperties expected, TableProperties actual) {
    assertEquals(expected.formatName(), actual.formatName());
    assertEquals(expected.formatVersion(), actual.formatVersion());
    assertEquals(expected.entryCount(), actual.entryCount());
    assertEquals(expected.tombstoneCount(), actual.tombstoneCount());
    assertArrayEquals(expected.smallestKey(), actual.smallestKey());
    assertArrayEquals(expected.largestKey(), actual.largestKey());
    assertEquals(expected.smallestSequence(), actual.smallestSequence());
    assertEquals(expected.largestSequence(), actual.largestSequence());
    assertEquals(expected.rawKeyBytes(), actual.rawKeyBytes());
    assertEquals(expected.rawValueBytes(), actual.rawValueBytes());
    assertEquals(expected.dataBlockCount(), actual.dataBlockCount());
    assertEquals(expected.dataBytes(), actual.dataBytes());
    assertEquals(expected.indexBytes(), actual.indexBytes());
    assertEquals(expected.filterBytes(), actual.filterBytes());
    assertEquals(expected.compression(), actual.compression());
    assertEquals(expected.bloomBitsPerKey(), actual.bloomBitsPerKey());
  }

  // ---------------------------------------------------------------------------------------------
  // declarations

  @Test
  public final void declarationsAreWellFormedAndConsistent() {
    SSTableFormat f = format();
    assertTrue(PROVIDER_NAME.matcher(f.name()).matches(), () -> "malformed name " + f.name());
    assertTrue(f.formatVersion() >= 1, "format versions start at 1");
    assertTrue(f.compressionCodecs().contains("none"), "every format offers codec \"none\"");
    assertEquals(
        f.capabilities().contains(SSTableCapability.COMPRESSION),
        f.compressionCodecs().size() > 1,
        "COMPRESSION is declared exactly when codecs other than \"none\" are offered: "
            + f.compressionCodecs());
  }

  // ---------------------------------------------------------------------------------------------
  // round trips

  @Provide
  Arbitrary<TableSpec> tables() {
    return TableSpecs.tables(format().compressionCodecs());
  }

  @Property(tries = 40)
  public final void roundTripMatchesTheModel(@ForAll("tables") TableSpec spec) throws IOException {
    TableWriterOptions options =
        options(spec.blockBytes(), spec.restartInterval(), spec.bloomBitsPerKey(), spec.codec());
    ByteArrayTableOutput out = new ByteArrayTableOutput("table.sst");
    TableProperties written;
    try (SSTableWriter writer = format().newWriter(out, options)) {
      for (Entry e : spec.model().entries()) {
        writer.add(e.key(), e.sequence(), e.kind(), e.value());
      }
      assertEquals(spec.model().size(), writer.entryCount(), "entryCount while writing");
      written = writer.finish();
    }
    byte[] file = out.toByteArray();
    checkProperties(spec.model(), written, options);
    Random random = new Random(spec.model().size() * 31L + spec.blockBytes());
    RecordingBlockCache cache = new RecordingBlockCache(random.nextBoolean());
    try (SSTableReader reader =
        format()
            .openReader(
                new ByteArrayTableInput("table.sst", file),
                new TableReaderOptions(FILE_ID, cache))) {
      assertSameProperties(written, reader.properties());
      assertEquals(file.length, reader.fileSize(), "fileSize");
      assertEquals(FILE_ID, reader.fileId(), "fileId");
      checkEverything(spec.model(), reader, random);
      reader.verify(bytes -> {});
    }
  }

  @Property(tries = 30)
  public final void filterHasNoFalseNegatives(@ForAll("tables") TableSpec spec) throws IOException {
    byte[] file =
        write(
            spec.model(),
            options(spec.blockBytes(), spec.restartInterval(), spec.bloomBitsPerKey(), "none"));
    try (SSTableReader reader =
        format()
            .openReader(
                new ByteArrayTableInput("table.sst", file),
                new TableReaderOptions(FILE_ID, new RecordingBlockCache(false)))) {
      for (byte[] k : spec.model().userKeys()) {
        assertTrue(reader.mayContain(k), () -> "mayContain is false for present key " + hex(k));
      }
    }
  }

  @Test
  public final void manyVersionsOfOneKeySpanSeveralBlocks() throws IOException {
    TableModel model = new TableModel();
    model.add(key("a"), 5, EntryKind.PUT, key("before"));
    for (int s = 1; s <= 400; s++) {
      model.add(key("k"), s * 3L, s % 7 == 0 ? EntryKind.DELETE : EntryKind.PUT, key("v" + s));
    }
    model.add(key("z"), 1, EntryKind.PUT, key("after"));
    TableWriterOptions options = options(64, 4, 10, "none");
    byte[] file = write(model, options);
    SSTableReader reader = open(file, new RecordingBlockCache(true));
    assertTrue(reader.properties().dataBlockCount() > 10, "the versions of k span many blocks");
    for (long s = 0; s <= 1205; s++) {
      assertLookup(model.get(key("k"), s), reader.get(key("k"), s), "get(k, " + s + ")");
    }
    checkEverything(model, reader, new Random(1));
    reader.verify(bytes -> {});
  }

  @Test
  public final void largeValuesRoundTrip() throws IOException {
    TableModel model = new TableModel();
    model.add(key("big"), 9, EntryKind.PUT, TableSpecs.patterned(1 << 20));
    model.add(key("big"), 8, EntryKind.PUT, TableSpecs.patterned(300_000));
    model.add(key("empty"), 7, EntryKind.PUT, new byte[0]);
    model.add(key("small"), 6, EntryKind.PUT, key("s"));
    for (String codec : format().compressionCodecs()) {
      byte[] file = write(model, options(4096, 16, 10, codec));
      SSTableReader reader = open(file, new RecordingBlockCache(true));
      checkEverything(model, reader, new Random(2));
      reader.verify(bytes -> {});
    }
  }

  @Test
  public final void readingFromDiskWorksLikeFromMemory() throws IOException {
    TableModel model = simpleModel(2_000, 20);
    Path path = tempDir.resolve("disk.sst");
    TableWriterOptions options = TableWriterOptions.defaults();
    try (SequentialOutput out = DiskStorage.instance().create(path);
        SSTableWriter writer = format().newWriter(out, options)) {
      for (Entry e : model.entries()) {
        writer.add(e.key(), e.sequence(), e.kind(), e.value());
      }
      writer.finish();
      out.sync();
    }
    SSTableReader reader =
        format()
            .openReader(
                DiskStorage.instance().openInput(path),
                new TableReaderOptions(FILE_ID, new RecordingBlockCache(true)));
    toClose.add(reader);
    checkEverything(model, reader, new Random(3));
    reader.verify(bytes -> {});
  }

  @Test
  public final void snapshotsBelowEveryVersionSeeNothing() throws IOException {
    TableModel model = new TableModel();
    model.add(key("k"), 100, EntryKind.PUT, key("v100"));
    model.add(key("k"), 50, EntryKind.DELETE, new byte[0]);
    model.add(key("k"), 10, EntryKind.PUT, key("v10"));
    SSTableReader reader =
        open(write(model, TableWriterOptions.defaults()), new RecordingBlockCache(true));
    assertNull(reader.get(key("k"), 9));
    assertNull(reader.get(key("k"), 0));
    assertArrayEquals(key("v10"), found(reader.get(key("k"), 49)).value());
    assertTrue(found(reader.get(key("k"), 50)).isTombstone());
    assertTrue(found(reader.get(key("k"), 99)).isTombstone());
    assertArrayEquals(key("v100"), found(reader.get(key("k"), Sequences.MAX_SEQUENCE)).value());
  }

  @Test
  public final void iteratorKeysAndValuesStayValidAfterMoving() throws IOException {
    TableModel model = simpleModel(500, 30);
    SSTableReader reader =
        open(write(model, options(128, 4, 10, "none")), new RecordingBlockCache(false));
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    try (InternalIterator it = reader.iterator(false)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        keys.add(it.key());
        values.add(it.value());
      }
    }
    List<Entry> entries = model.entries();
    assertEquals(entries.size(), keys.size());
    for (int i = 0; i < entries.size(); i++) {
      assertArrayEquals(entries.get(i).key(), keys.get(i), "key " + i + " kept after moving on");
      assertArrayEquals(
          entries.get(i).value(), values.get(i), "value " + i + " kept after moving on");
    }
  }

  @Test
  public final void concurrentGetsAgree() throws Exception {
    TableModel model = simpleModel(3_000, 16);
    SSTableReader reader =
        open(write(model, TableWriterOptions.defaults()), new RecordingBlockCache(true));
    List<Entry> entries = model.entries();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 5_000; i++) {
                    Entry e = entries.get(random.nextInt(entries.size()));
                    long snapshot = random.nextBoolean() ? Sequences.MAX_SEQUENCE : e.sequence();
                    assertLookup(
                        model.get(e.key(), snapshot),
                        reader.get(e.key(), snapshot),
                        "concurrent get");
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // writer contract

  @Test
  public final void writerRejectsEntriesOutOfOrder() throws IOException {
    try (SSTableWriter writer =
        format().newWriter(new ByteArrayTableOutput("t.sst"), TableWriterOptions.defaults())) {
      writer.add(key("b"), 10, EntryKind.PUT, key("v"));
      assertThrows(
          IllegalArgumentException.class,
          () -> writer.add(key("a"), 10, EntryKind.PUT, key("v")),
          "smaller user key");
      assertThrows(
          IllegalArgumentException.class,
          () -> writer.add(key("b"), 10, EntryKind.PUT, key("v")),
          "same internal key");
      assertThrows(
          IllegalArgumentException.class,
          () -> writer.add(key("b"), 11, EntryKind.PUT, key("v")),
          "newer version after older");
      writer.add(key("b"), 9, EntryKind.PUT, key("v"));
      writer.add(key("ba"), 100, EntryKind.DELETE, new byte[0]);
      assertEquals(3, writer.entryCount(), "rejected entries are not counted");
    }
  }

  @Test
  public final void writerRejectsEmptyTables() throws IOException {
    try (SSTableWriter writer =
        format().newWriter(new ByteArrayTableOutput("t.sst"), TableWriterOptions.defaults())) {
      assertThrows(IllegalStateException.class, writer::finish);
    }
  }

  @Test
  public final void estimatedFileSizeTracksTheFinalSize() throws IOException {
    TableModel model = simpleModel(3_000, 40);
    ByteArrayTableOutput out = new ByteArrayTableOutput("t.sst");
    long estimate;
    long firstEstimate;
    try (SSTableWriter writer = format().newWriter(out, TableWriterOptions.defaults())) {
      List<Entry> entries = model.entries();
      writer.add(
          entries.get(0).key(),
          entries.get(0).sequence(),
          entries.get(0).kind(),
          entries.get(0).value());
      firstEstimate = writer.estimatedFileSize();
      for (Entry e : entries.subList(1, entries.size())) {
        writer.add(e.key(), e.sequence(), e.kind(), e.value());
      }
      estimate = writer.estimatedFileSize();
      writer.finish();
    }
    long actual = out.toByteArray().length;
    assertTrue(firstEstimate > 0 && firstEstimate < estimate, "the estimate grows with entries");
    assertTrue(
        estimate >= actual / 2 && estimate <= actual * 2,
        () -> "estimated " + estimate + " bytes just before finish, the file has " + actual);
  }

  // ---------------------------------------------------------------------------------------------
  // filter

  @Test
  public final void filterFalsePositiveRateIsWithinTheDeclaredBound() throws IOException {
    assumeTrue(has(SSTableCapability.FILTER), "the format declares no FILTER");
    Random random = new Random(7);
    TableModel model = new TableModel();
    for (int i = 0; i < 10_000; i++) {
      byte[] k = new byte[16];
      random.nextBytes(k);
      k[0] = 0x00; // present keys start with 0x00, probes with 0x01: never equal
      model.add(k, 1, EntryKind.PUT, new byte[0]);
    }
    SSTableReader reader =
        open(write(model, options(4096, 16, 10, "none")), new RecordingBlockCache(true));
    int probes = 20_000;
    int falsePositives = 0;
    for (int i = 0; i < probes; i++) {
      byte[] k = new byte[16];
      random.nextBytes(k);
      k[0] = 0x01;
      if (reader.mayContain(k)) {
        falsePositives++;
      }
      if (i < 200) {
        assertNull(reader.get(k, Sequences.MAX_SEQUENCE), "get of an absent key");
      }
    }
    double rate = (double) falsePositives / probes;
    assertTrue(
        rate <= maxFalsePositiveRateAt10BitsPerKey(),
        () ->
            "false-positive rate "
                + rate
                + " at 10 bits/key exceeds "
                + maxFalsePositiveRateAt10BitsPerKey());
    assertTrue(falsePositives < probes, "the filter rejects something");
  }

  @Test
  public final void withoutFilterMayContainIsAlwaysTrue() throws IOException {
    assumeFalse(has(SSTableCapability.FILTER), "the format declares FILTER");
    SSTableReader reader =
        open(
            write(simpleModel(100, 5), TableWriterOptions.defaults()),
            new RecordingBlockCache(true));
    Random random = new Random(8);
    for (int i = 0; i < 1_000; i++) {
      byte[] k = new byte[1 + random.nextInt(20)];
      random.nextBytes(k);
      assertTrue(reader.mayContain(k), "without FILTER mayContain is always true");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // damage

  @Test
  public final void everyFlippedByteIsDetected() throws IOException {
    assumeTrue(
        has(SSTableCapability.CHECKSUMS),
        "the format declares no CHECKSUMS: damage is not promised to be detected");
    for (String codec : format().compressionCodecs()) {
      TableModel model = new TableModel();
      for (int i = 0; i < 24; i++) {
        model.add(
            key("key" + (char) ('a' + i)),
            100 - i,
            i % 6 == 5 ? EntryKind.DELETE : EntryKind.PUT,
            ("value-value-value-value-" + i).getBytes(StandardCharsets.UTF_8));
      }
      byte[] file = write(model, options(128, 3, 10, codec));
      openAndVerify(file);
      for (int p = 0; p < file.length; p++) {
        byte[] damaged = file.clone();
        damaged[p] ^= (byte) 0xFF;
        int position = p;
        assertThrows(
            CorruptionException.class,
            () -> openAndVerify(damaged),
            () ->
                "flipping byte "
                    + position
                    + " of "
                    + file.length
                    + " (codec "
                    + codec
                    + ") went unnoticed");
      }
    }
  }

  @Test
  public final void verifyReadsEveryByteAndReportsProgress() throws IOException {
    byte[] file = write(simpleModel(400, 50), options(512, 8, 10, "none"));
    ByteArrayTableInput input = new ByteArrayTableInput("table.sst", file);
    SSTableReader reader = open(input, new RecordingBlockCache(true));
    input.forgetReads();
    List<Long> progress = new ArrayList<>();
    reader.verify(progress::add);
    assertEquals(
        file.length,
        input.distinctBytesRead(),
        () ->
            "verify left bytes unread, the first at "
                + input.firstUnreadByte()
                + " of "
                + file.length);
    assertFalse(progress.isEmpty(), "verify reports progress");
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes back");
    }
    assertEquals(
        file.length,
        progress.get(progress.size() - 1),
        "verify ends having checked the whole file");
  }

  @Test
  public final void truncatedFilesAreCorrupt() throws IOException {
    byte[] file = write(simpleModel(200, 20), options(256, 4, 10, "none"));
    int header =
        TableFileHeader.write(
                new ByteArrayTableOutput("h"), format().name(), format().formatVersion())
            .length();
    for (int length :
        new int[] {
          0, 1, 8, header - 1, header, header + 1, file.length / 2, file.length - 9, file.length - 1
        }) {
      byte[] truncated = Arrays.copyOf(file, length);
      assertThrows(
          CorruptionException.class,
          () -> openAndVerify(truncated),
          () -> "a file truncated to " + length + " of " + file.length + " bytes");
    }
  }

  @Test
  public final void wrongMagicIsCorrupt() throws IOException {
    byte[] file = write(simpleModel(20, 5), TableWriterOptions.defaults());
    byte[] damaged = file.clone();
    System.arraycopy("NOTATABL".getBytes(StandardCharsets.US_ASCII), 0, damaged, 0, 8);
    assertThrows(
        CorruptionException.class,
        () ->
            format()
                .openReader(
                    new ByteArrayTableInput("t.sst", damaged),
                    new TableReaderOptions(FILE_ID, new RecordingBlockCache(true))));
  }

  /** Replaces the table header with one naming {@code name} and {@code version}. */
  private byte[] withHeader(byte[] file, String name, int version) throws IOException {
    ByteArrayTableInput input = new ByteArrayTableInput("t.sst", file);
    int oldLength = TableFileHeader.read(input).length();
    ByteArrayTableOutput out = new ByteArrayTableOutput("t.sst");
    TableFileHeader.write(out, name, version);
    out.write(file, oldLength, file.length - oldLength);
    return out.toByteArray();
  }

  @Test
  public final void unknownVersionsAreCorruptAndTheMessageNamesTheReadableOnes()
      throws IOException {
    byte[] file = write(simpleModel(20, 5), TableWriterOptions.defaults());
    for (int version : new int[] {format().formatVersion() + 1, Integer.MAX_VALUE}) {
      byte[] newer = withHeader(file, format().name(), version);
      CorruptionException e =
          assertThrows(
              CorruptionException.class,
              () ->
                  format()
                      .openReader(
                          new ByteArrayTableInput("t.sst", newer),
                          new TableReaderOptions(FILE_ID, new RecordingBlockCache(true))),
              "version " + version);
      assertTrue(
          String.valueOf(e.getMessage()).contains(String.valueOf(format().formatVersion())),
          () -> "the message names the versions the reader reads: " + e.getMessage());
    }
  }

  @Test
  public final void tablesOfAnotherFormatAreRejected() throws IOException {
    byte[] file = write(simpleModel(20, 5), TableWriterOptions.defaults());
    byte[] foreign = withHeader(file, format().name() + "-other", format().formatVersion());
    assertThrows(
        CorruptionException.class,
        () ->
            format()
                .openReader(
                    new ByteArrayTableInput("t.sst", foreign),
                    new TableReaderOptions(FILE_ID, new RecordingBlockCache(true))));
  }

  // ---------------------------------------------------------------------------------------------
  // lifecycle

  @Test
  public final void closeTwiceIsHarmlessAndReadsAfterCloseFail() throws IOException {
    byte[] file = write(simpleModel(50, 5), TableWriterOptions.defaults());
    ByteArrayTableInput input = new ByteArrayTableInput("t.sst", file);
    SSTableReader reader =
        format().openReader(input, new TableReaderOptions(FILE_ID, new RecordingBlockCache(true)));
    assertNotNull(reader.get(key("key-00001"), Sequences.MAX_SEQUENCE));
    reader.close();
    reader.close();
    assertTrue(input.isClosed(), "the reader closes the input it owns");
    assertThrows(
        IllegalStateException.class, () -> reader.get(key("key-00001"), Sequences.MAX_SEQUENCE));
  }

  @Test
  public final void dataBlocksDescribeTheFile() throws IOException {
    TableModel model = simpleModel(1_000, 30);
    byte[] file = write(model, options(256, 8, 10, "none"));
    SSTableReader reader = open(file, new RecordingBlockCache(true));
    List<SSTableReader.BlockInfo> blocks = reader.dataBlocks();
    assertEquals(
        reader.properties().dataBlockCount(), blocks.size(), "one BlockInfo per data block");
    assertTrue(blocks.size() > 1);
    for (int i = 0; i < blocks.size(); i++) {
      SSTableReader.BlockInfo b = blocks.get(i);
      assertTrue(
          b.sizeBytes() > 0 && b.offset() >= 0 && b.offset() + b.sizeBytes() <= file.length,
          "block " + i + " lies within the file");
      if (i > 0) {
        SSTableReader.BlockInfo previous = blocks.get(i - 1);
        assertTrue(b.offset() >= previous.offset() + previous.sizeBytes(), "blocks do not overlap");
        assertTrue(
            Arrays.compareUnsigned(previous.separatorKey(), b.separatorKey()) <= 0,
            "separators ascend");
      }
    }
    byte[] largest = reader.properties().largestKey();
    assertTrue(
        Arrays.compareUnsigned(blocks.get(blocks.size() - 1).separatorKey(), largest) >= 0,
        "the last separator is at or after the largest key");
  }

  // ---------------------------------------------------------------------------------------------
  // block cache

  @Test
  public final void readsGoThroughTheBlockCache() throws IOException {
    assumeTrue(has(SSTableCapability.BLOCK_CACHE), "the format declares no BLOCK_CACHE");
    byte[] file = write(simpleModel(1_000, 30), options(256, 8, 10, "none"));

    RecordingBlockCache cache = new RecordingBlockCache(true);
    SSTableReader reader = open(file, cache);
    assertNotNull(reader.get(key("key-00500"), Sequences.MAX_SEQUENCE));
    assertTrue(cache.gets.get() > 0, "get loads data blocks through BlockCache.get");
    long loads = cache.loads.get();
    assertNotNull(reader.get(key("key-00500"), Sequences.MAX_SEQUENCE));
    assertEquals(loads, cache.loads.get(), "a cached block is used, not loaded again");

    RecordingBlockCache noFill = new RecordingBlockCache(true);
    SSTableReader second = open(file, noFill);
    try (InternalIterator it = second.iterator(false)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        it.key();
      }
    }
    assertEquals(0, noFill.gets.get(), "iterator(fillCache = false) never calls BlockCache.get");
    assertEquals(0, noFill.blocksOf(FILE_ID), "iterator(fillCache = false) caches nothing");
    try (InternalIterator it = second.iterator(true)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        it.key();
      }
    }
    assertEquals(
        reader.properties().dataBlockCount(),
        noFill.blocksOf(FILE_ID),
        "iterator(true) caches every block it reads");
    second.close();
    assertEquals(0, noFill.blocksOf(FILE_ID), "close drops the table's cached blocks");
  }

  // ---------------------------------------------------------------------------------------------
  // compression

  @Test
  public final void everyCodecRoundTrips() throws IOException {
    TableModel model = simpleModel(800, 200);
    long uncompressed = -1;
    long smallest = Long.MAX_VALUE;
    for (String codec : format().compressionCodecs()) {
      TableWriterOptions options = options(4096, 16, 10, codec);
      byte[] file = write(model, options);
      SSTableReader reader = open(file, new RecordingBlockCache(true));
      checkProperties(model, reader.properties(), options);
      checkEverything(model, reader, new Random(4));
      reader.verify(bytes -> {});
      if (codec.equals("none")) {
        uncompressed = reader.properties().dataBytes();
      } else {
        smallest = Math.min(smallest, reader.properties().dataBytes());
      }
    }
    if (has(SSTableCapability.COMPRESSION)) {
      long none = uncompressed;
      long best = smallest;
      assertTrue(
          best < none,
          () -> "no codec shrinks highly compressible data: " + best + " vs " + none + " bytes");
    }
  }

  @Test
  public final void unknownCodecsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            format()
                .newWriter(
                    new ByteArrayTableOutput("t.sst"), options(4096, 16, 10, "no-such-codec")));
  }

  @Test
  public final void withoutCompressionOnlyNoneIsOffered() {
    assumeFalse(has(SSTableCapability.COMPRESSION), "the format declares COMPRESSION");
    assertEquals(java.util.Set.of("none"), format().compressionCodecs());
    assertThrows(
        IllegalArgumentException.class,
        () -> format().newWriter(new ByteArrayTableOutput("t.sst"), options(4096, 16, 10, "lz4")),
        "a codec the format does not offer");
  }

  @Test
  public final void withCompressionACodecBesidesNoneIsOffered() {
    assumeTrue(has(SSTableCapability.COMPRESSION), "the format declares no COMPRESSION");
    assertTrue(format().compressionCodecs().size() > 1, "COMPRESSION without a codec besides none");
  }
}
