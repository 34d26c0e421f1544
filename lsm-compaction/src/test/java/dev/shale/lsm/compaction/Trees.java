package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds small trees for tests. Keys are longs stored as 8-byte big-endian user keys. Level-0 files
 * are given newest first; sequence numbers fall in the order files are added, so add shallow levels
 * first.
 */
final class Trees {
  static final long MIB = 1L << 20;

  private final List<List<FileShape>> levels = new ArrayList<>();
  private final Set<Long> compacting = new HashSet<>();
  private final List<RunningJob> running = new ArrayList<>();
  private long sequence = 1_000_000;

  private Trees(int numLevels) {
    for (int i = 0; i < numLevels; i++) {
      levels.add(new ArrayList<>());
    }
  }

  static Trees levels(int numLevels) {
    return new Trees(numLevels);
  }

  static byte[] key(long k) {
    return ByteBuffer.allocate(Long.BYTES).putLong(k).array();
  }

  /** Adds a file; in level 0 after (older than) the files already there. */
  Trees file(int level, long id, long lo, long hi, long bytes) {
    long largest = sequence;
    sequence -= 100;
    levels
        .get(level)
        .add(new FileShape(id, bytes, key(lo), key(hi), sequence + 1, largest, bytes / 100, 0));
    return this;
  }

  /**
   * Adds {@code count} files of {@code bytes} each to level {@code level}, evenly over {@code [lo,
   * hi]}, with ids {@code firstId, firstId + 1, ...}.
   */
  Trees run(int level, long firstId, int count, long lo, long hi, long bytes) {
    long width = (hi - lo + 1) / count;
    for (int i = 0; i < count; i++) {
      long from = lo + i * width;
      long to = i == count - 1 ? hi : from + width - 1;
      file(level, firstId + i, from, to, bytes);
    }
    return this;
  }

  Trees compacting(long... ids) {
    for (long id : ids) {
      compacting.add(id);
    }
    return this;
  }

  Trees running(int outputLevel, long lo, long hi) {
    running.add(new RunningJob(outputLevel, key(lo), key(hi)));
    return this;
  }

  TreeShape build() {
    List<LevelShape> shapes = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      shapes.add(new LevelShape(i, levels.get(i)));
    }
    return new TreeShape(shapes, compacting, running);
  }
}
