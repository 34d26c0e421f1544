package dev.shale.lsm.tck.event;

import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.tck.KillRate;
import dev.shale.lsm.tck.KillRate.Seeded;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The listener suite's kill rate against {@link BrokenListeners}. */
class DbListenerKillRateTest {
  @Test
  void everySeededBugIsCaught() {
    KillRate.measure(
        "listener",
        Reference.class,
        List.of(
            new Seeded("throws-on-a-drop", ThrowsOnADrop.class, "compactionsOfEveryKind"),
            new Seeded(
                "divides-by-an-empty-flush", DividesByEmptyFlush.class, "flushesOfEveryShape"),
            new Seeded(
                "blocks-the-commit-leader",
                BlocksTheCommitLeader.class,
                "commitGroupsSyncedAndNot",
                "noCallBlocks"),
            new Seeded(
                "not-thread-safe",
                NotThreadSafe.class,
                "concurrentCallsFromManyThreadsNeverFail")));
  }

  /** A correct listener: counts every event, thread-safely. */
  static class Reference extends DbListenerConformanceTest {
    @Override
    protected DbListener listener() {
      LongAdder events = new LongAdder();
      return new DbListener() {
        @Override
        public void onFlushCompleted(dev.shale.lsm.api.event.FlushEvent event) {
          events.add(event.entries() == 0 ? 0 : event.bytes() / event.entries());
        }

        @Override
        public void onCommitGroup(dev.shale.lsm.api.event.CommitGroupEvent event) {
          events.increment();
        }
      };
    }
  }

  static class ThrowsOnADrop extends DbListenerConformanceTest {
    @Override
    protected DbListener listener() {
      return BrokenListeners.throwsOnADrop();
    }
  }

  static class DividesByEmptyFlush extends DbListenerConformanceTest {
    @Override
    protected DbListener listener() {
      return BrokenListeners.dividesByEmptyFlush();
    }
  }

  static class BlocksTheCommitLeader extends DbListenerConformanceTest {
    @Override
    protected DbListener listener() {
      return BrokenListeners.blocksTheCommitLeader();
    }
  }

  static class NotThreadSafe extends DbListenerConformanceTest {
    @Override
    protected DbListener listener() {
      return BrokenListeners.notThreadSafe();
    }
  }
}
