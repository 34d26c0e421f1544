package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The child process of {@link BeyondMemoryTest}: {@code load DIR BYTES} writes about {@code BYTES}
 * of deterministic entries in a scrambled order; {@code check DIR BYTES} reopens the Db and checks
 * every entry by a full scan and a sample by point reads, regenerating the expected data. Prints
 * {@code HEAP <max heap bytes>} first and {@code OK <entries>} at the end; exits with 1 and a
 * message on standard error on any mismatch.
 */
public final class BigLoader {
  static final int VALUE_BYTES = 1000;
  private static final long STRIDE = 1_000_003; // prime: i -> i * STRIDE mod n is a permutation

  private BigLoader() {}

  static long entries(long bytes) {
    long n = Math.max(1000, bytes / (VALUE_BYTES + 15));
    return n % STRIDE == 0 ? n + 1 : n;
  }

  static byte[] key(long j) {
    return String.format("big%012d", j).getBytes(StandardCharsets.UTF_8);
  }

  /** Incompressible, so the data on disk is as big as announced. */
  static byte[] value(long j) {
    byte[] v = new byte[VALUE_BYTES];
    new SplittableRandom(j).nextBytes(v);
    return v;
  }

  static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(4L << 20)
        .maxImmutableMemtables(2)
        .blockCacheBytes(4L << 20)
        .targetFileBytes(16L << 20)
        .maxBytesForLevelBase(64L << 20)
        .build();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[1]);
    long n = entries(Long.parseLong(args[2]));
    System.out.println("HEAP " + Runtime.getRuntime().maxMemory());
    try (Db db = Shale.builder(dir).options(options()).open()) {
      if (args[0].equals("load")) {
        for (long i = 0; i < n; i += 100) {
          WriteBatch batch = new WriteBatch();
          for (long x = i; x < Math.min(n, i + 100); x++) {
            long j = Math.floorMod(x * STRIDE, n);
            batch.put(key(j), value(j));
          }
          db.write(batch);
        }
        db.flush();
      } else {
        check(db, n);
      }
    }
    System.out.println("OK " + n);
  }

  private static void check(Db db, long n) {
    long j = 0;
    try (DbIterator it = db.iterator(ReadOptions.defaults().withFillCache(false))) {
      for (it.seekToFirst(); it.isValid(); it.next(), j++) {
        if (!Arrays.equals(key(j), it.key()) || !Arrays.equals(value(j), it.value())) {
          fail(
              "entry "
                  + j
                  + ": found key "
                  + new String(it.key(), StandardCharsets.UTF_8)
                  + " with a wrong key or value");
        }
      }
    }
    if (j != n) {
      fail("the scan returned " + j + " entries, expected " + n);
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int r = 0; r < 5000; r++) {
      long k = random.nextLong(n);
      if (!Arrays.equals(value(k), db.get(key(k)))) {
        fail("point read of entry " + k + " is wrong");
      }
    }
    if (db.get(key(n)) != null) {
      fail("an entry past the end exists");
    }
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }
}
