package dev.shale.lsm.api.event;

import java.util.List;

/**
 * A completed compaction.
 *
 * @param kind what the job did
 * @param strategy the strategy that picked it (or "manual")
 * @param outputLevel the level the outputs went to (the level the files left, for a drop)
 * @param inputs the numbers of the tables it removed from the tree
 * @param outputs the numbers of the tables it added (empty for a drop)
 * @param bytesRead input bytes
 * @param bytesWritten output bytes (0 for a move or a drop)
 * @param durationNanos from the start of the job to the manifest record
 * @param reason why the strategy picked it, for humans
 */
public record CompactionEvent(
    Kind kind,
    String strategy,
    int outputLevel,
    List<Long> inputs,
    List<Long> outputs,
    long bytesRead,
    long bytesWritten,
    long durationNanos,
    String reason) {
  public CompactionEvent {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** What a compaction did. */
  public enum Kind {
    /** Merged its inputs into new tables. */
    MERGE,
    /** Moved a table to another level without rewriting it. */
    MOVE,
    /** Dropped whole tables from the tree. */
    DROP
  }
}
