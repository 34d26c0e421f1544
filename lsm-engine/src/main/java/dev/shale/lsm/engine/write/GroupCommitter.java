package dev.shale.lsm.engine.write;

import java.util.List;

/** Commits one group of batches on the leader thread; completes every member. */
@FunctionalInterface
public interface GroupCommitter {
  /**
   * Commits {@code group} (non-empty, batches only) and calls {@link PendingWrite#complete} on
   * every member, with an error for the members that did not commit.
   */
  void commit(List<PendingWrite> group);
}
