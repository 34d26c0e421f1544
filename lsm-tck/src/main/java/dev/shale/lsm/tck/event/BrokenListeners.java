package dev.shale.lsm.tck.event;

import dev.shale.lsm.api.event.CommitGroupEvent;
import dev.shale.lsm.api.event.CompactionEvent;
import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.api.event.FlushEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Deliberately broken {@link DbListener}s, each breaking one sentence of its contract, that {@link
 * DbListenerConformanceTest} must fail.
 */
public final class BrokenListeners {
  private BrokenListeners() {}

  /** Throws on a drop (a compaction with no outputs), which it never expected. */
  public static DbListener throwsOnADrop() {
    return new DbListener() {
      @Override
      public void onCompactionCompleted(CompactionEvent event) {
        long firstOutput = event.outputs().getFirst(); // no outputs for a drop
        if (firstOutput < 0) {
          throw new IllegalStateException();
        }
      }
    };
  }

  /** Divides by the entries of a flush, which are 0 for an empty memtable. */
  public static DbListener dividesByEmptyFlush() {
    return new DbListener() {
      @Override
      public void onFlushCompleted(FlushEvent event) {
        long bytesPerEntry = event.bytes() / event.entries();
        if (bytesPerEntry < 0) {
          throw new IllegalStateException();
        }
      }
    };
  }

  /** Waits on each commit group for something that never happens (blocks the commit leader). */
  public static DbListener blocksTheCommitLeader() {
    CountDownLatch never = new CountDownLatch(1);
    return new DbListener() {
      @Override
      public void onCommitGroup(CommitGroupEvent event) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  /** Keeps a history in an unsynchronized list, which concurrent calls break. */
  public static DbListener notThreadSafe() {
    return new DbListener() {
      private List<Long> history = new ArrayList<>();

      @Override
      public void onCommitGroup(CommitGroupEvent event) {
        history.add(event.bytes());
        if (history.size() > 64) {
          List<Long> kept = new ArrayList<>(history.subList(32, history.size()));
          history = kept;
        }
        long sum = 0;
        for (long b : history) {
          sum += b; // iterating while another thread adds: ConcurrentModificationException
        }
        if (sum < 0) {
          throw new IllegalStateException();
        }
      }
    };
  }
}
