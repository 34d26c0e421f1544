package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The crash test's workload and its invariants. Writer thread {@code t} commits batches {@code t, t
 * + T, t + 2T, ...}; batch {@code b} puts a marker key {@code m<b>} and {@code count(b)} data keys,
 * and deletes the data keys of batch {@code b - 5T}. After any crash:
 *
 * <ul>
 *   <li>every acknowledged batch is present (its marker is);
 *   <li>each thread's present batches form a prefix of its sequence (nothing out of order);
 *   <li>a batch is never partly present: its data keys are all there, or (when it was never
 *       applied, or a later batch deleted them) none are;
 *   <li>no key exists that no applied batch wrote.
 * </ul>
 */
final class CrashWorkload {
  static final int THREADS = 4;
  static final int DELETE_DISTANCE = 5 * THREADS;

  private CrashWorkload() {}

  static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(64 * 1024)
        .targetFileBytes(64 * 1024)
        .maxBytesForLevelBase(256 * 1024)
        .level0CompactionTrigger(2)
        .walSegmentBytes(32 * 1024)
        .build();
  }

  static int count(long batch) {
    return (int) (Math.floorMod(batch * 0x9E3779B97F4A7C15L, 13L) + 1);
  }

  static byte[] marker(long batch) {
    return String.format("m%09d", batch).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] data(long batch, int i) {
    return String.format("d%09d-%02d", batch, i).getBytes(StandardCharsets.UTF_8);
  }

  static WriteBatch batch(long b) {
    WriteBatch batch = new WriteBatch();
    byte[] value = new byte[120];
    java.util.Arrays.fill(value, (byte) b);
    for (int i = 0; i < count(b); i++) {
      batch.put(data(b, i), value);
    }
    if (b >= DELETE_DISTANCE) {
      long old = b - DELETE_DISTANCE;
      for (int i = 0; i < count(old); i++) {
        batch.delete(data(old, i));
      }
    }
    batch.put(marker(b), Long.toString(b).getBytes(StandardCharsets.UTF_8));
    return batch;
  }

  /**
   * Checks the invariants; returns the applied batches.
   *
   * @throws AssertionError describing the first violation
   */
  static Set<Long> check(Db db, Set<Long> acknowledged) {
    Set<Long> applied = new TreeSet<>();
    Map<Long, Integer> dataSeen = new HashMap<>();
    try (DbIterator it = db.iterator(ReadOptions.defaults())) {
      it.seekToFirst();
      while (it.isValid()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        if (key.startsWith("m")) {
          applied.add(Long.parseLong(key.substring(1)));
        } else if (key.startsWith("d")) {
          dataSeen.merge(Long.parseLong(key.substring(1, 10)), 1, Integer::sum);
        } else {
          throw new AssertionError("unexpected key " + key);
        }
        it.next();
      }
    }
    for (long b : acknowledged) {
      if (!applied.contains(b)) {
        throw new AssertionError("acknowledged batch " + b + " is missing");
      }
    }
    for (int t = 0; t < THREADS; t++) {
      long b = t;
      while (applied.contains(b)) {
        b += THREADS;
      }
      for (long later : applied) {
        if (later % THREADS == t && later > b) {
          throw new AssertionError(
              "batch " + later + " is present but earlier batch " + b + " is not");
        }
      }
    }
    Set<Long> dataBatches = new HashSet<>(dataSeen.keySet());
    for (long b : applied) {
      boolean deletedLater = applied.contains(b + DELETE_DISTANCE);
      int seen = dataSeen.getOrDefault(b, 0);
      int expected = deletedLater ? 0 : count(b);
      if (seen != expected) {
        throw new AssertionError(
            "batch "
                + b
                + " has "
                + seen
                + " of its data keys, expected "
                + expected
                + " (partial batch)");
      }
      dataBatches.remove(b);
    }
    if (!dataBatches.isEmpty()) {
      throw new AssertionError(
          "data of batches that were never applied: " + List.copyOf(dataBatches));
    }
    return applied;
  }
}
