package dev.shale.lsm.spi.compaction;

import java.util.List;

/**
 * Work a strategy asks the engine to do: merge files into a level ({@link Kind#MERGE}), or drop
 * whole files from the tree ({@link Kind#DROP}).
 *
 * <p>The engine refuses a merge job that breaks any of these rules (and logs the strategy's
 * mistake):
 *
 * <ol>
 *   <li>Every input exists in the stated level and is not already being compacted.
 *   <li>{@code outputLevel} is at least the deepest input level and below the number of levels;
 *       output level 0 is allowed only when every input is in level 0 and they are consecutive in
 *       age.
 *   <li>Let R be the key range covered by all inputs. If an input is in level 0, every older
 *       level-0 file overlapping R is an input too. For every level deeper than the shallowest
 *       input level, up to and including {@code outputLevel}, every file overlapping R is an input.
 *       (Otherwise an older version would end up above a newer one.)
 *   <li>R does not overlap the output range of a running job with the same output level.
 * </ol>
 *
 * <p>A drop job deletes its inputs, data and all, without writing anything (RocksDB's FIFO
 * compaction, or expiry by file age). It follows rule 1, and instead of rules 2 to 4:
 *
 * <ol start="5">
 *   <li>Every file older than a dropped file and overlapping its key range (an older level-0 file,
 *       or a file in a deeper level) is dropped too, so that no older version of a key reappears
 *       once the newer one is gone; and no dropped file overlaps the output range of a running job.
 * </ol>
 *
 * <p>The engine delays a valid drop job while an open {@code Snapshot} may see data in its files
 * (one taken at or after a dropped file's smallest sequence), as {@code Snapshot} promises; open
 * iterators keep reading the dropped files until they are closed. Data dropped is gone: a strategy
 * that drops files trades durability of old data for bounded space, and should say so.
 *
 * @param inputs the input files per level, shallowest level first, each level at most once
 * @param outputLevel where the merged files go; for a drop job, its deepest input level
 * @param targetFileBytes size at which outputs are split; for a drop job, 1 (nothing is written)
 * @param reason why the strategy picked it (shown in logs and stats)
 * @param kind merge or drop
 */
public record CompactionJob(
    List<LevelInputs> inputs, int outputLevel, long targetFileBytes, String reason, Kind kind) {

  /** What a job does with its inputs. */
  public enum Kind {
    /** Merge the inputs into new files in {@code outputLevel}, keeping every live version. */
    MERGE,
    /** Delete the inputs from the tree, writing nothing. */
    DROP
  }

  public CompactionJob {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a compaction job needs at least one input");
    }
  }

  /** A merge job: {@code inputs} merged into {@code outputLevel}. */
  public CompactionJob(
      List<LevelInputs> inputs, int outputLevel, long targetFileBytes, String reason) {
    this(inputs, outputLevel, targetFileBytes, reason, Kind.MERGE);
  }

  /**
   * A drop job: {@code inputs} deleted from the tree, see rule 5.
   *
   * @throws IllegalArgumentException when {@code inputs} is empty
   */
  public static CompactionJob drop(List<LevelInputs> inputs, String reason) {
    int deepest = 0;
    for (LevelInputs level : inputs) {
      deepest = Math.max(deepest, level.level());
    }
    return new CompactionJob(inputs, deepest, 1, reason, Kind.DROP);
  }

  /** All input file ids. */
  public List<Long> inputFileIds() {
    return inputs.stream().flatMap(l -> l.fileIds().stream()).toList();
  }

  /** Whether this job deletes its inputs instead of merging them. */
  public boolean isDrop() {
    return kind == Kind.DROP;
  }

  /**
   * The inputs taken from one level.
   *
   * @param level the level
   * @param fileIds the files, in that level's order
   */
  public record LevelInputs(int level, List<Long> fileIds) {
    public LevelInputs {
      fileIds = List.copyOf(fileIds);
    }
  }
}
