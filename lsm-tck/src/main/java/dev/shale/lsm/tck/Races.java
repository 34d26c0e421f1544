package dev.shale.lsm.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs threads in rounds that start together, so that a race in the code under test shows up in
 * every run even on a machine with two cores. Threads released by a latch wake tens of microseconds
 * apart, longer than a check-then-act window lasts; here the last thread to reach a round sets a
 * start time a few microseconds ahead, and every thread spins on the clock until then. There are as
 * many racers as cores (at least 2, at most 4), since a spinning racer holds a core.
 */
public final class Races {
  private static final long START_DELAY_NANOS = 20_000;

  private Races() {}

  /** One racer's work in one round. */
  @FunctionalInterface
  public interface Round {
    void run(int round, int racer) throws Exception;
  }

  /** How many threads race: the cores available, at least 2 and at most 4. */
  public static int racers() {
    return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Runs {@code rounds} rounds in which each of {@link #racers()} threads runs {@code body} once,
   * all starting together; returns when every round is done.
   *
   * @throws Exception the first failure of a racer (the others stop), or a timeout after 5 minutes
   */
  public static void run(int rounds, Round body) throws Exception {
    run(rounds, Duration.ofMinutes(5), body);
  }

  /**
   * Like {@link #run(int, Round)}, but fails when the racers have not finished within {@code
   * limit}, interrupting them: for suites where a blocked call is itself the bug to report.
   */
  public static void run(int rounds, Duration limit, Round body) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    int racers = racers();
    AtomicIntegerArray arrived = new AtomicIntegerArray(rounds);
    AtomicLongArray startAt = new AtomicLongArray(rounds);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < racers; r++) {
        int racer = r;
        futures.add(
            pool.submit(
                () -> {
                  try {
                    for (int round = 0; round < rounds; round++) {
                      if (arrived.incrementAndGet(round) == racers) {
                        startAt.set(round, System.nanoTime() + START_DELAY_NANOS);
                      }
                      while (startAt.get(round) == 0 || System.nanoTime() < startAt.get(round)) {
                        if (stop.get() || Thread.currentThread().isInterrupted()) {
                          return null;
                        }
                        Thread.onSpinWait();
                      }
                      body.run(round, racer);
                    }
                    return null;
                  } catch (Exception | Error e) {
                    stop.set(true); // the others would wait for this racer forever
                    throw e;
                  }
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e;
        } catch (TimeoutException e) {
          throw new AssertionError("a racer did not finish within " + limit, e);
        }
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }
}
