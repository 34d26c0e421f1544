package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.WalFixture.Rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes the segment decoder: random mutations of a valid two-segment log (bit flips, byte
 * overwrites, inserted garbage, huge length fields, truncation of the newest segment, zero fill)
 * must replay a prefix of the original records (a subsequence under SKIP_CORRUPTED) or throw {@link
 * CorruptionException}: never another exception, a hang or an out-of-memory. After a lenient mode
 * succeeds, a second open in ABSOLUTE_CONSISTENCY must see the same records.
 *
 * <p>Whole records cut out of the middle of the log are not among the mutations: the format has no
 * chaining between records (sequence gaps are legal in the SPI), so such a log is indistinguishable
 * from one written with a gap.
 */
class SegmentDecoderFuzzTest {
  private static final long TIMEOUT_SECONDS = 30;

  private static final ExecutorService WATCHDOG =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "wal-fuzz");
            t.setDaemon(true);
            return t;
          });

  private static @Nullable Pristine pristine;

  /** The valid log every try starts from. */
  @SuppressWarnings("ArrayRecordComponent") // never compared
  private record Pristine(List<Rec> records, byte[][] segments, List<List<Long>> offsets) {}

  @AfterContainer
  static void stopWatchdog() {
    WATCHDOG.shutdownNow();
  }

  @Property(tries = 300)
  void mutatedLogsReplayAPrefixOrFailWithCorruption(
      @ForAll("mutations") List<Mutation> mutations,
      @ForAll boolean damageNewest,
      @ForAll WalRecoveryMode mode)
      throws Exception {
    Pristine log = pristine();
    int target = damageNewest ? 1 : 0;
    byte[] damaged = log.segments()[target];
    for (Mutation m : mutations) {
      damaged = m.apply(damaged, damageNewest, log.offsets().get(target));
    }
    byte[][] files = {log.segments()[0], log.segments()[1]};
    files[target] = damaged;
    check(files, mode, log.records());
  }

  @Property(tries = 100)
  void garbageAfterAValidHeaderIsHandled(
      @ForAll("garbage") byte[] garbage, @ForAll WalRecoveryMode mode) throws Exception {
    Pristine log = pristine();
    byte[] newest = Arrays.copyOf(log.segments()[1], SegmentFormat.HEADER_BYTES + garbage.length);
    System.arraycopy(garbage, 0, newest, SegmentFormat.HEADER_BYTES, garbage.length);
    check(new byte[][] {log.segments()[0], newest}, mode, log.records());
  }

  private static void check(byte[][] files, WalRecoveryMode mode, List<Rec> original)
      throws Exception {
    Path dir = Files.createTempDirectory("wal-fuzz");
    try {
      for (int i = 0; i < files.length; i++) {
        Files.write(dir.resolve(SegmentFormat.fileName(i + 1)), files[i]);
      }
      List<Rec> replayed = replayGuarded(dir, mode);
      if (replayed == null) {
        return; // CorruptionException: an accepted outcome
      }
      if (mode == WalRecoveryMode.SKIP_CORRUPTED) {
        assertSubsequence(original, replayed);
      } else {
        assertEquals(
            original.subList(0, Math.min(replayed.size(), original.size())),
            replayed,
            mode + " must replay a prefix");
      }
      if (mode != WalRecoveryMode.ABSOLUTE_CONSISTENCY) {
        assertEquals(
            replayed,
            replayGuarded(dir, WalRecoveryMode.ABSOLUTE_CONSISTENCY),
            "after " + mode + " succeeded, the log must be clean");
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Replays on a watchdog thread; returns null on CorruptionException, fails on anything else. */
  private static @Nullable List<Rec> replayGuarded(Path dir, WalRecoveryMode mode)
      throws InterruptedException {
    Future<List<Rec>> future =
        WATCHDOG.submit(
            () -> {
              try (WriteAheadLog log = WalFixture.open(dir)) {
                return WalFixture.replay(log, 0, mode).records();
              }
            });
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return fail("replay hung (" + TIMEOUT_SECONDS + " s) in " + mode);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CorruptionException) {
        return null;
      }
      return fail("replay in " + mode + " threw something other than CorruptionException", e);
    }
  }

  private static void assertSubsequence(List<Rec> original, List<Rec> replayed) {
    int i = 0;
    for (Rec r : replayed) {
      while (i < original.size() && !original.get(i).equals(r)) {
        i++;
      }
      assertTrue(i < original.size(), r + " was never written, or came out of order");
      i++;
    }
  }

  private static synchronized Pristine pristine() throws IOException {
    Pristine p = pristine;
    if (p != null) {
      return p;
    }
    Path dir = Files.createTempDirectory("wal-fuzz-pristine");
    try {
      Random random = new Random(42);
      List<Rec> records = new ArrayList<>();
      List<List<Long>> offsets = List.of(new ArrayList<>(), new ArrayList<>());
      try (WriteAheadLog log = WalFixture.open(dir)) {
        long next = 1;
        for (int s = 0; s < 2; s++) {
          long at = SegmentFormat.HEADER_BYTES;
          for (int i = 0; i < 12; i++) {
            WriteBatch batch = WalFixture.randomBatch(random);
            offsets.get(s).add(at);
            at += WalFixture.recordBytes(batch);
            log.append(next, batch);
            records.add(Rec.of(next, batch));
            next += batch.count();
          }
          log.roll();
        }
      }
      byte[][] segments = {
        Files.readAllBytes(dir.resolve(SegmentFormat.fileName(1))),
        Files.readAllBytes(dir.resolve(SegmentFormat.fileName(2)))
      };
      p = new Pristine(List.copyOf(records), segments, offsets);
      pristine = p;
      return p;
    } finally {
      deleteRecursively(dir);
    }
  }

  // ---- mutations ------------------------------------------------------------------------------

  /** One change to a segment's bytes; positions are fractions of the current length. */
  sealed interface Mutation {
    byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets);
  }

  record Flip(double where, int bit) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      if (bytes.length > 0) {
        byte[] copy = bytes.clone();
        copy[at(where, copy.length)] ^= (byte) (1 << bit);
        return copy;
      }
      return bytes;
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared
  record Overwrite(double where, byte[] garbage) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      byte[] copy = bytes.clone();
      int start = at(where, copy.length);
      for (int i = 0; i < garbage.length && start + i < copy.length; i++) {
        copy[start + i] = garbage[i];
      }
      return copy;
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // never compared
  record Insert(double where, byte[] garbage) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      int start = Math.min(bytes.length, at(where, bytes.length + 1));
      byte[] out = new byte[bytes.length + garbage.length];
      System.arraycopy(bytes, 0, out, 0, start);
      System.arraycopy(garbage, 0, out, start, garbage.length);
      System.arraycopy(bytes, start, out, start + garbage.length, bytes.length - start);
      return out;
    }
  }

  record HugeLength(int record, int length) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      long offset = recordOffsets.get(record % recordOffsets.size()) + 4;
      if (offset + 4 > bytes.length) {
        return bytes;
      }
      byte[] copy = bytes.clone();
      ByteBuffer.wrap(copy).putInt((int) offset, length);
      return copy;
    }
  }

  /** Cuts the newest segment (a closed one cut at a record boundary is undetectable). */
  record Truncate(double where) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      return newest ? Arrays.copyOf(bytes, at(where, bytes.length + 1)) : bytes;
    }
  }

  record AppendZeros(int count) implements Mutation {
    @Override
    public byte[] apply(byte[] bytes, boolean newest, List<Long> recordOffsets) {
      return Arrays.copyOf(bytes, bytes.length + count);
    }
  }

  private static int at(double where, int length) {
    return Math.min(length - 1, Math.max(0, (int) (where * length)));
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Double> where = Arbitraries.doubles().between(0.0, 1.0);
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(48);
    Arbitrary<Mutation> flip =
        Combinators.combine(where, Arbitraries.integers().between(0, 7)).as(Flip::new);
    Arbitrary<Mutation> overwrite = Combinators.combine(where, garbage).as(Overwrite::new);
    Arbitrary<Mutation> insert = Combinators.combine(where, garbage).as(Insert::new);
    Arbitrary<Mutation> huge =
        Combinators.combine(
                Arbitraries.integers().between(0, 11),
                Arbitraries.of(-1, -16, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, 0, 1, 15))
            .as(HugeLength::new);
    Arbitrary<Mutation> truncate = where.map(Truncate::new);
    Arbitrary<Mutation> zeros = Arbitraries.integers().between(1, 8192).map(AppendZeros::new);
    return Arbitraries.oneOf(flip, overwrite, insert, huge, truncate, zeros)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
