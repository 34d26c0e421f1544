package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.sstable.cache.CaffeineBlockCacheProvider;
import dev.shale.lsm.tck.sstable.ByteArrayTableInput;
import dev.shale.lsm.tck.sstable.ByteArrayTableOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes the block-table decoder: random mutations of valid tables must yield {@code
 * CorruptionException} or correct answers, never another exception, a hang or an out-of-memory.
 * "Resealed" mutations recompute the checksums around the damage so that it reaches the structural
 * decoders behind the CRCs; there wrong answers are allowed (the file is consistent garbage) but
 * any exception must still be a {@code CorruptionException}.
 */
class TableDecoderFuzzTest {
  private static final ExecutorService RUNNER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fuzz-runner");
            t.setDaemon(true);
            return t;
          });

  /** One valid table and what it holds. */
  @SuppressWarnings("ArrayRecordComponent")
  record Sample(byte[] file, List<Entry> entries, List<long[]> regions, int headerLength) {}

  /** One entry; tombstones have empty values. */
  @SuppressWarnings("ArrayRecordComponent")
  record Entry(byte[] key, long sequence, EntryKind kind, byte[] value) {}

  private static final List<Sample> SAMPLES = new ArrayList<>();

  static {
    try {
      SAMPLES.add(sample(new TableWriterOptions(128, 4, 10, "none"), 1));
      SAMPLES.add(sample(new TableWriterOptions(256, 2, 0, "none"), 2));
      SAMPLES.add(sample(new TableWriterOptions(512, 16, 10, "lz4"), 3));
      SAMPLES.add(sample(new TableWriterOptions(64, 1, 6, "lz4"), 4));
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @AfterContainer
  static void stopRunner() {
    RUNNER.shutdownNow();
  }

  private static Sample sample(TableWriterOptions options, long seed) throws IOException {
    Random random = new Random(seed);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      byte[] key = ("key-" + (char) ('a' + i % 26) + i / 26).getBytes(StandardCharsets.UTF_8);
      int versions = i % 9 == 0 ? 6 : 1;
      for (int v = 0; v < versions; v++) {
        EntryKind kind = random.nextInt(5) == 0 ? EntryKind.DELETE : EntryKind.PUT;
        byte[] value = new byte[kind == EntryKind.DELETE ? 0 : random.nextInt(60)];
        for (int j = 0; j < value.length; j++) {
          value[j] = (byte) (j % 5 == 0 ? random.nextInt() : 'v');
        }
        entries.add(new Entry(key, 1000L - v * 10L - i, kind, value));
      }
    }
    entries.sort(
        (a, b) -> {
          int c = java.util.Arrays.compareUnsigned(a.key(), b.key());
          return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
        });
    ByteArrayTableOutput out = new ByteArrayTableOutput("fuzz.sst");
    try (SSTableWriter writer = new BlockTableFormat().newWriter(out, options)) {
      for (Entry e : entries) {
        writer.add(e.key(), e.sequence(), e.kind(), e.value());
      }
      writer.finish();
    }
    byte[] file = out.toByteArray();
    int headerLength = TableFileHeader.read(new ByteArrayTableInput("fuzz.sst", file)).length();
    // regions covered by one CRC: {start, payload length} of each stored block
    List<long[]> regions = new ArrayList<>();
    try (SSTableReader reader =
        new BlockTableFormat()
            .openReader(
                new ByteArrayTableInput("fuzz.sst", file),
                new TableReaderOptions(1, new CaffeineBlockCacheProvider().create(1 << 20)))) {
      for (SSTableReader.BlockInfo b : reader.dataBlocks()) {
        regions.add(new long[] {b.offset(), b.sizeBytes() - BlockCodec.TRAILER_BYTES});
      }
    }
    TableFooter footer =
        TableFooter.decode(
            java.util.Arrays.copyOfRange(file, file.length - TableFooter.SIZE, file.length),
            "fuzz.sst",
            0);
    if (footer.filterSize() > 0) {
      regions.add(new long[] {footer.filterOffset(), footer.filterSize()});
    }
    regions.add(new long[] {footer.indexOffset(), footer.indexSize()});
    regions.add(new long[] {footer.propertiesOffset(), footer.propertiesSize()});
    return new Sample(file, entries, regions, headerLength);
  }

  /** A mutation: what to do and where, as random choices to interpret against a sample. */
  record Mutation(int sample, int kind, long seed, boolean reseal) {}

  @Provide
  Arbitrary<Mutation> mutations() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(0, SAMPLES.size() - 1),
            Arbitraries.integers().between(0, 5),
            Arbitraries.longs(),
            Arbitraries.of(false, true))
        .as(Mutation::new);
  }

  private static byte[] mutate(Sample s, Mutation m) {
    Random r = new Random(m.seed());
    byte[] f = s.file().clone();
    switch (m.kind()) {
      case 0 -> { // flip a few bytes
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
          f[r.nextInt(f.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      case 1 -> { // overwrite a range with random bytes
        int at = r.nextInt(f.length);
        int len = Math.min(f.length - at, 1 + r.nextInt(40));
        for (int i = 0; i < len; i++) {
          f[at + i] = (byte) r.nextInt();
        }
      }
      case 2 -> { // an extreme 32-bit value somewhere (lengths, counts, sizes)
        int at = r.nextInt(f.length - 4);
        int[] extremes = {
          0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, f.length, f.length + 1, 1 << 30, 7
        };
        BigEndian.putInt(f, at, extremes[r.nextInt(extremes.length)]);
      }
      case 3 -> { // an extreme varint-ish byte run
        int at = r.nextInt(f.length - 5);
        for (int i = 0; i < 5; i++) {
          f[at + i] = (byte) (i == 4 ? 0x0F : 0xFF);
        }
      }
      case 4 -> { // truncate
        return java.util.Arrays.copyOf(f, r.nextInt(f.length));
      }
      default -> { // cut bytes out of the middle
        int at = r.nextInt(f.length - 1);
        int len = 1 + r.nextInt(Math.min(30, f.length - at - 1));
        byte[] cut = new byte[f.length - len];
        System.arraycopy(f, 0, cut, 0, at);
        System.arraycopy(f, at + len, cut, at, f.length - at - len);
        return cut;
      }
    }
    if (m.reseal()) {
      reseal(s, f);
    }
    return f;
  }

  /** Recomputes every checksum so the damage passes the CRCs and reaches the decoders. */
  private static void reseal(Sample s, byte[] f) {
    for (long[] region : s.regions()) {
      int start = (int) region[0];
      int length = (int) region[1];
      CRC32C crc = new CRC32C();
      crc.update(f, start, length + 1);
      BigEndian.putInt(f, start + length + 1, (int) crc.getValue());
    }
    CRC32C footer = new CRC32C();
    footer.update(f, f.length - TableFooter.SIZE, TableFooter.SIZE - 4);
    BigEndian.putInt(f, f.length - 4, (int) footer.getValue());
    CRC32C header = new CRC32C();
    header.update(f, 0, s.headerLength() - 4);
    BigEndian.putInt(f, s.headerLength() - 4, (int) header.getValue());
  }

  @Property(tries = 600)
  void mutatedTablesFailCleanlyOrAnswerCorrectly(@ForAll("mutations") Mutation m) throws Exception {
    Sample s = SAMPLES.get(m.sample());
    byte[] damaged = mutate(s, m);
    Future<?> run =
        RUNNER.submit(
            () -> {
              exercise(s, damaged, !m.reseal());
              return null;
            });
    try {
      run.get(20, TimeUnit.SECONDS);
      Statistics.collect(m.reseal() ? "resealed" : "raw", "no exception");
    } catch (TimeoutException e) {
      run.cancel(true);
      throw new AssertionError("the decoder hangs on " + m, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CorruptionException c) {
        Statistics.collect(m.reseal() ? "resealed" : "raw", detected(c));
        return;
      }
      throw new AssertionError("not a CorruptionException for " + m, e.getCause());
    }
  }

  /** What kind of check caught the damage, for the statistics jqwik reports. */
  private static String detected(CorruptionException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("checksum")) {
      return "checksum";
    }
    if (m.contains("magic") || m.contains("too short")) {
      return "magic/length";
    }
    return "structure";
  }

  private static void exercise(Sample s, byte[] file, boolean mustBeCorrect) throws IOException {
    try (SSTableReader reader =
        new BlockTableFormat()
            .openReader(
                new ByteArrayTableInput("fuzz.sst", file),
                new TableReaderOptions(1, new CaffeineBlockCacheProvider().create(1 << 20)))) {
      for (Entry e : s.entries()) {
        LookupResult r = reader.get(e.key(), e.sequence());
        if (mustBeCorrect) {
          assertNotNull(r, "a lost entry");
          assertEquals(e.sequence(), r.sequence());
          assertEquals(e.kind(), r.kind());
          assertArrayEquals(e.value(), r.value());
        }
      }
      LookupResult absent =
          reader.get("absent".getBytes(StandardCharsets.UTF_8), Sequences.MAX_SEQUENCE);
      if (mustBeCorrect) {
        assertNull(absent);
      }
      try (InternalIterator it = reader.iterator(true)) {
        int i = 0;
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (mustBeCorrect) {
            Entry e = s.entries().get(i);
            assertArrayEquals(e.key(), it.key());
            assertEquals(e.sequence(), it.sequence());
            assertArrayEquals(e.value(), it.value());
          }
          it.kind();
          i++;
          assertTrue(i <= 10 * s.entries().size() + 10, "the iterator does not end");
        }
        if (mustBeCorrect) {
          assertEquals(s.entries().size(), i);
        }
        for (Entry e : s.entries()) {
          it.seek(e.key(), e.sequence());
          if (mustBeCorrect) {
            assertTrue(it.isValid());
            assertArrayEquals(e.key(), it.key());
          }
        }
      }
      reader.verify(bytes -> {});
      if (!mustBeCorrect) {
        return;
      }
      assertFalse(reader.dataBlocks().isEmpty());
    }
  }
}
