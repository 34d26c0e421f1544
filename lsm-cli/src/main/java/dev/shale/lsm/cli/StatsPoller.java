package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Hands a Db's stats to a progress report four times a second while long work runs. */
final class StatsPoller implements AutoCloseable {
  private static final long POLL_MILLIS = 250;

  private final ScheduledExecutorService executor;

  private StatsPoller(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** Starts polling {@code db}; close to stop. */
  static StatsPoller start(Db db, Consumer<DbStats> report) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shale-progress");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        () -> report.accept(db.stats()), POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    return new StatsPoller(executor);
  }

  /** Stops polling and waits for a report in progress to finish. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
