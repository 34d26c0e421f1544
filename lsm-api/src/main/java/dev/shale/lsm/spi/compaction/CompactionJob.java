package dev.shale.lsm.spi.compaction;

import java.util.List;

/**
 * Files to merge and the level their output goes to.
 *
 * <p>The engine refuses a job that breaks any of these rules (and logs the strategy's mistake):
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
 * @param inputs the input files per level, shallowest level first, each level at most once
 * @param outputLevel where the merged files go
 * @param targetFileBytes size at which outputs are split
 * @param reason why the strategy picked it (shown in logs and stats)
 */
public record CompactionJob(
    List<LevelInputs> inputs, int outputLevel, long targetFileBytes, String reason) {

  public CompactionJob {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a compaction job needs at least one input");
    }
  }

  /** All input file ids. */
  public List<Long> inputFileIds() {
    return inputs.stream().flatMap(l -> l.fileIds().stream()).toList();
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
