package dev.shale.lsm.tck.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.event.BackgroundErrorEvent;
import dev.shale.lsm.api.event.CommitGroupEvent;
import dev.shale.lsm.api.event.CompactionEvent;
import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.api.event.FlushEvent;
import dev.shale.lsm.api.event.ManifestWrittenEvent;
import dev.shale.lsm.api.event.TableDeletedEvent;
import dev.shale.lsm.api.event.WriteStallEvent;
import dev.shale.lsm.tck.Races;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link DbListener}s. A listener author subclasses it and returns a new
 * listener from {@link #listener()}; every check traces to a sentence of {@link DbListener}'s
 * contract:
 *
 * <ul>
 *   <li>"an exception a method throws ... is a bug in the listener": every method takes every kind
 *       of event, including the edge values a Db sends (an empty flush, a drop with no outputs, a
 *       recovery event), without throwing;
 *   <li>"possibly at the same time, so an implementation must be thread-safe": every method is
 *       called from several threads at once, many times, without an exception;
 *   <li>"they must return quickly and must not block": each call must return within {@link
 *       #CALL_LIMIT_SECONDS} seconds (a bound for a blocked call, not a speed test).
 * </ul>
 *
 * <p>What passing does not prove: that the listener does not write to the Db it listens to (the
 * suite has no Db), that it is fast (only that it does not block), or that its own results are
 * right.
 */
public abstract class DbListenerConformanceTest {
  /** A call that takes longer than this is taken for a blocked one. */
  protected static final int CALL_LIMIT_SECONDS = 2;

  /**
   * How long all rounds of the concurrent test may take: generous for a slow machine, short enough
   * that a listener that blocks fails here in seconds rather than at the test's timeout.
   */
  private static final int RACE_LIMIT_SECONDS = 20;

  private static final int ROUNDS = 2_000;
  private static final int CALLS_PER_ROUND = 26;

  /** A new listener to test. */
  protected abstract DbListener listener();

  private void callEach(List<Consumer<DbListener>> calls) throws Exception {
    DbListener listener = listener();
    for (int i = 0; i < calls.size(); i++) {
      Consumer<DbListener> call = calls.get(i);
      callWithin(() -> call.accept(listener), "event " + i + " of its kind");
    }
  }

  /** The calls of {@link #everyEvent()} that pass an event of {@code type}. */
  private static List<Consumer<DbListener>> kind(Class<?> type) {
    List<Consumer<DbListener>> calls = new ArrayList<>();
    for (Consumer<DbListener> call : everyEvent()) {
      Class<?>[] seen = {null};
      call.accept(
          new DbListener() {
            @Override
            public void onFlushCompleted(FlushEvent e) {
              seen[0] = FlushEvent.class;
            }

            @Override
            public void onCompactionCompleted(CompactionEvent e) {
              seen[0] = CompactionEvent.class;
            }

            @Override
            public void onTableDeleted(TableDeletedEvent e) {
              seen[0] = TableDeletedEvent.class;
            }

            @Override
            public void onManifestWritten(ManifestWrittenEvent e) {
              seen[0] = ManifestWrittenEvent.class;
            }

            @Override
            public void onWriteStall(WriteStallEvent e) {
              seen[0] = WriteStallEvent.class;
            }

            @Override
            public void onCommitGroup(CommitGroupEvent e) {
              seen[0] = CommitGroupEvent.class;
            }

            @Override
            public void onBackgroundError(BackgroundErrorEvent e) {
              seen[0] = BackgroundErrorEvent.class;
            }
          });
      if (seen[0] == type) {
        calls.add(call);
      }
    }
    assertTrue(!calls.isEmpty(), "the suite has no event of " + type.getSimpleName());
    return calls;
  }

  /** One of every event, with the edge values a Db sends. */
  static List<Consumer<DbListener>> everyEvent() {
    List<Consumer<DbListener>> calls = new ArrayList<>();
    calls.add(l -> l.onFlushCompleted(new FlushEvent(List.of(7L), 1000, 65_536, 1000, 1_000_000)));
    calls.add(l -> l.onFlushCompleted(new FlushEvent(List.of(), 0, 0, 1000, 1_000)));
    calls.add(
        l ->
            l.onCompactionCompleted(
                new CompactionEvent(
                    CompactionEvent.Kind.MERGE,
                    "leveled",
                    1,
                    List.of(7L, 8L),
                    List.of(9L),
                    131_072,
                    100_000,
                    5_000_000,
                    "level 0 has 4 files")));
    calls.add(
        l ->
            l.onCompactionCompleted(
                new CompactionEvent(
                    CompactionEvent.Kind.DROP, "fifo", 0, List.of(3L), List.of(), 10, 0, 1, "")));
    calls.add(l -> l.onTableDeleted(new TableDeletedEvent(7)));
    calls.add(
        l ->
            l.onManifestWritten(
                new ManifestWrittenEvent(false, "MANIFEST-00000000000000000001", 9, 3)));
    calls.add(
        l ->
            l.onManifestWritten(
                new ManifestWrittenEvent(true, "manifest/00000000000000000004", 9, 3)));
    calls.add(
        l ->
            l.onWriteStall(
                new WriteStallEvent(WriteStallEvent.State.STOPPED, "level 0 has 36 files")));
    calls.add(l -> l.onWriteStall(new WriteStallEvent(WriteStallEvent.State.NORMAL, "")));
    calls.add(l -> l.onCommitGroup(new CommitGroupEvent(3, 30, 4096, true, 200_000, 250_000)));
    calls.add(l -> l.onCommitGroup(new CommitGroupEvent(1, 1, 20, false, 0, 1_000)));
    calls.add(
        l ->
            l.onBackgroundError(
                new BackgroundErrorEvent(
                    "flush", "java.io.IOException: No space left on device", false)));
    calls.add(l -> l.onBackgroundError(new BackgroundErrorEvent("flush", "", true)));
    return calls;
  }

  @Test
  final void flushesOfEveryShape() throws Exception {
    callEach(kind(FlushEvent.class));
  }

  @Test
  final void compactionsOfEveryKind() throws Exception {
    callEach(kind(CompactionEvent.class));
  }

  @Test
  final void tableDeletions() throws Exception {
    callEach(kind(TableDeletedEvent.class));
  }

  @Test
  final void localAndRemoteManifests() throws Exception {
    callEach(kind(ManifestWrittenEvent.class));
  }

  @Test
  final void writeStallsAndTheirEnd() throws Exception {
    callEach(kind(WriteStallEvent.class));
  }

  @Test
  final void commitGroupsSyncedAndNot() throws Exception {
    callEach(kind(CommitGroupEvent.class));
  }

  @Test
  final void backgroundErrorsAndRecoveries() throws Exception {
    callEach(kind(BackgroundErrorEvent.class));
  }

  @Test
  final void concurrentCallsFromManyThreadsNeverFail() throws Exception {
    DbListener listener = listener();
    List<Consumer<DbListener>> calls = everyEvent();
    try {
      // Rounds that start together (see Races), so a thread-safety bug shows in every run.
      Races.run(
          ROUNDS,
          Duration.ofSeconds(RACE_LIMIT_SECONDS),
          (round, racer) -> {
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
              calls.get((i + racer + round) % calls.size()).accept(listener);
            }
          });
    } catch (RuntimeException e) {
      throw new AssertionError("a call failed while other threads called the listener: " + e, e);
    }
  }

  @Test
  final void noCallBlocks() throws Exception {
    DbListener listener = listener();
    List<Consumer<DbListener>> calls = everyEvent();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < calls.size(); i++) {
        Consumer<DbListener> call = calls.get(i);
        callWithin(() -> call.accept(listener), "event " + i + ", round " + round);
      }
    }
    assertEquals(13, calls.size(), "the suite covers every kind of event it knows");
  }

  private static void callWithin(Runnable call, String what) throws Exception {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "listener-call");
              t.setDaemon(true);
              return t;
            });
    try {
      CompletableFuture<Void> done = CompletableFuture.runAsync(call, thread);
      try {
        done.get(CALL_LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            what
                + " did not return within "
                + CALL_LIMIT_SECONDS
                + " s: the listener blocks the"
                + " Db's thread that calls it");
      } catch (ExecutionException e) {
        throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
      }
      assertTrue(done.isDone());
    } finally {
      thread.shutdownNow();
    }
  }
}
