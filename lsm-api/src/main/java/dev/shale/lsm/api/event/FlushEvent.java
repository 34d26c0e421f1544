package dev.shale.lsm.api.event;

import java.util.List;

/**
 * A completed flush.
 *
 * @param tables the numbers of the level-0 tables written (empty for an empty memtable)
 * @param entries entries written
 * @param bytes bytes of the tables written
 * @param largestSequence every write up to it is now in tables
 * @param durationNanos from the start of the flush to the manifest record
 */
public record FlushEvent(
    List<Long> tables, long entries, long bytes, long largestSequence, long durationNanos) {
  public FlushEvent {
    tables = List.copyOf(tables);
  }
}
