package dev.shale.lsm.spi.compaction;

import java.util.List;

/**
 * One level: its files, newest first for level 0 (by largest sequence), in key order for the
 * others.
 */
public record LevelShape(int level, List<FileShape> files) {
  public LevelShape {
    files = List.copyOf(files);
  }

  /** Total bytes of the level's files. */
  public long sizeBytes() {
    long sum = 0;
    for (FileShape f : files) {
      sum += f.sizeBytes();
    }
    return sum;
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }
}
