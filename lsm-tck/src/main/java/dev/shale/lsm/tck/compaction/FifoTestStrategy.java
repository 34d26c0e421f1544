package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A minimal FIFO compaction strategy for tests of {@link CompactionJob.Kind#DROP} jobs (RocksDB's
 * FIFO style): it never merges, and once the tree holds more than {@code maxBytes} it drops the
 * oldest files, the deepest level's first (they hold the oldest data), then level 0's from the
 * oldest. Data so dropped is gone. It promises no bounds.
 *
 * <p>A test tool, not a production strategy: its one setting is a constructor argument, since a
 * provider found by name cannot yet take a setting of its own. Stateless and thread-safe.
 */
public final class FifoTestStrategy implements CompactionStrategyProvider {
  private final long maxBytes;

  /** A strategy that keeps the tree at or below {@code maxBytes} by dropping its oldest files. */
  public FifoTestStrategy(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return "fifo-test";
  }

  @Override
  public CompactionStrategy create(CompactionOptions options) {
    return new CompactionStrategy() {
      @Override
      public Optional<CompactionJob> pickJob(TreeShape tree) {
        long excess = tree.totalBytes() - maxBytes;
        if (excess <= 0 || !tree.compactingFiles().isEmpty() || !tree.runningJobs().isEmpty()) {
          return Optional.empty();
        }
        for (int level = tree.numLevels() - 1; level > 0; level--) {
          List<FileShape> files = tree.level(level).files();
          if (!files.isEmpty()) {
            // Nothing lies below the deepest non-empty level, so any of its files may go.
            return Optional.of(drop(level, files, excess));
          }
        }
        List<FileShape> oldestFirst = new ArrayList<>(tree.level(0).files()).reversed();
        CompactionJob job = drop(0, oldestFirst, excess);
        // Level 0 lists files newest first, and so must the job.
        List<Long> ids = new ArrayList<>(job.inputFileIds()).reversed();
        return Optional.of(
            CompactionJob.drop(List.of(new CompactionJob.LevelInputs(0, ids)), job.reason()));
      }

      private CompactionJob drop(int level, List<FileShape> files, long excess) {
        List<Long> ids = new ArrayList<>();
        long dropped = 0;
        for (FileShape file : files) {
          if (dropped >= excess) {
            break;
          }
          ids.add(file.fileId());
          dropped += file.sizeBytes();
        }
        return CompactionJob.drop(
            List.of(new CompactionJob.LevelInputs(level, ids)),
            "fifo: tree over " + maxBytes + " bytes, dropping " + dropped + " bytes");
      }

      @Override
      public long pendingCompactionBytes(TreeShape tree) {
        return 0; // dropping rewrites nothing
      }

      @Override
      public long[] levelTargetBytes(TreeShape tree) {
        return new long[tree.numLevels()];
      }

      @Override
      public StrategyBounds bounds() {
        return new StrategyBounds(0, 0, 0);
      }
    };
  }
}
