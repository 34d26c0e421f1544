package dev.shale.lsm.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared pieces of the segmented log's own tests. */
final class WalFixture {
  private WalFixture() {}

  static final long LARGE_SEGMENT = 64L << 20;

  /** A record as the tests compare it. */
  @SuppressWarnings("ArrayRecordComponent") // equals and hashCode compare the array's contents
  record Rec(long first, int count, byte[] encoded) {
    static Rec of(long first, WriteBatch batch) {
      return new Rec(first, batch.count(), batch.toEncoded());
    }

    long last() {
      return first + count - 1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Rec r
          && r.first == first
          && r.count == count
          && Arrays.equals(r.encoded, encoded);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(first) * 31 + Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
      return "Rec[" + first + "+" + count + ", " + encoded.length + "B]";
    }
  }

  /** What one replay gave. */
  record Replayed(List<Rec> records, WalReplayResult result) {}

  static WriteAheadLog open(Storage storage, Path dir, long segmentBytes) throws IOException {
    return new SegmentedWalProvider().open(new WalOptions(storage, dir, segmentBytes));
  }

  static WriteAheadLog open(Path dir) throws IOException {
    return open(DiskStorage.instance(), dir, LARGE_SEGMENT);
  }

  /**
   * Replays the log in {@code dir} in {@code mode}, after checking that a read-only {@link
   * WriteAheadLog#scan(long, WalRecoveryMode, dev.shale.lsm.spi.wal.WalReplayConsumer) scan} in the
   * same mode reads exactly what the replay then reads (or fails at the same place) and leaves
   * every file of the directory as it was.
   */
  static Replayed replay(Path dir, WalRecoveryMode mode) throws IOException {
    Map<String, String> before = contents(dir);
    Replayed scanned = null;
    CorruptionException scanFailure = null;
    try (WriteAheadLog log = open(dir)) {
      List<Rec> records = new ArrayList<>();
      WalReplayResult result = log.scan(0, mode, (first, b) -> records.add(Rec.of(first, b)));
      scanned = new Replayed(records, result);
    } catch (CorruptionException e) {
      scanFailure = e;
    }
    assertEquals(before, contents(dir), "a scan in " + mode + " changed the log's files");
    Replayed replayed;
    try (WriteAheadLog log = open(dir)) {
      replayed = replay(log, 0, mode);
    } catch (CorruptionException e) {
      assertNotNull(scanFailure, () -> "the replay failed but the scan did not: " + e);
      assertEquals(e.getMessage(), scanFailure.getMessage());
      throw e;
    }
    if (scanFailure != null) {
      throw new AssertionError("the scan failed but the replay did not", scanFailure);
    }
    assertEquals(replayed.records(), scanned.records(), "the scan read other records");
    assertEquals(replayed.result(), scanned.result());
    return replayed;
  }

  /** Every file in {@code dir}: name to a digest of its bytes. */
  static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : list.toList()) {
        byte[] bytes = Files.readAllBytes(file);
        files.put(file.getFileName().toString(), bytes.length + ":" + Arrays.hashCode(bytes));
      }
    }
    return files;
  }

  static Replayed replay(WriteAheadLog log, long after, WalRecoveryMode mode) throws IOException {
    List<Rec> records = new ArrayList<>();
    WalReplayResult result = log.replay(after, mode, (first, b) -> records.add(Rec.of(first, b)));
    return new Replayed(records, result);
  }

  /** A batch of {@code ops} puts (and a delete every third op), distinct by {@code salt}. */
  static WriteBatch batch(int salt, int ops) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < ops; i++) {
      byte[] key = {(byte) salt, (byte) (salt >>> 8), (byte) i};
      if (i % 3 == 2) {
        batch.delete(key);
      } else {
        byte[] value = new byte[(salt * 7 + i * 13) % 50];
        Arrays.fill(value, (byte) (salt + i));
        batch.put(key, value);
      }
    }
    return batch;
  }

  static WriteBatch randomBatch(Random random) {
    WriteBatch batch = new WriteBatch();
    for (int i = random.nextInt(4); i >= 0; i--) {
      byte[] key = new byte[1 + random.nextInt(12)];
      random.nextBytes(key);
      if (random.nextInt(4) == 0) {
        batch.delete(key);
      } else {
        byte[] value = new byte[random.nextInt(random.nextInt(20) == 0 ? 5000 : 80)];
        random.nextBytes(value);
        batch.put(key, value);
      }
    }
    return batch;
  }

  /** The bytes a batch's record takes in a segment. */
  static int recordBytes(WriteBatch batch) {
    return SegmentFormat.RECORD_HEADER_BYTES
        + SegmentFormat.PAYLOAD_PREFIX_BYTES
        + batch.encodedLength();
  }
}
