package dev.shale.lsm.spi.compaction;

import java.util.List;
import java.util.Set;

/**
 * The read-only state of the tree a strategy decides on.
 *
 * @param levels every configured level, level 0 first (empty levels included)
 * @param compactingFiles ids of files that are inputs of running jobs: a new job must not use them
 * @param runningJobs jobs in progress
 */
public record TreeShape(
    List<LevelShape> levels, Set<Long> compactingFiles, List<RunningJob> runningJobs) {
  public TreeShape {
    levels = List.copyOf(levels);
    compactingFiles = Set.copyOf(compactingFiles);
    runningJobs = List.copyOf(runningJobs);
  }

  /** The number of levels, level 0 included. */
  public int numLevels() {
    return levels.size();
  }

  /** Level {@code n}. */
  public LevelShape level(int n) {
    return levels.get(n);
  }

  /** Bytes of every file in the tree. */
  public long totalBytes() {
    long sum = 0;
    for (LevelShape l : levels) {
      sum += l.sizeBytes();
    }
    return sum;
  }
}
