package dev.shale.lsm.spi.compaction;

import java.util.List;

/** TEMPORARY placeholder; replaced by the compaction branch. */
public final class JobRules {
  private JobRules() {}

  public static List<String> violations(TreeShape tree, CompactionJob job) {
    return List.of();
  }
}
