package dev.shale.lsm.wal;

import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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

  static Replayed replay(Path dir, WalRecoveryMode mode) throws IOException {
    try (WriteAheadLog log = open(dir)) {
      return replay(log, 0, mode);
    }
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
