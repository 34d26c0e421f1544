package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the health service in step with the Db, from its {@link DbStats} (checked every interval,
 * and at once after a write failed): reads are served while the Db is open; writes while it also
 * accepts writes (not read-only after a background error, not fenced by another primary, not a
 * replica). Service names: {@value ShaleServer#READ_HEALTH} for reads, {@value
 * ShaleServer#WRITE_HEALTH} for writes, {@value ShaleServer#SERVICE_NAME} and {@code ""} for the
 * whole service (reads and writes). Thread-safe.
 */
final class DbHealth {
  private static final Logger LOG = LoggerFactory.getLogger(DbHealth.class);

  /** What health says now. */
  record State(boolean reads, boolean writes, String reason) {
    static final State STARTING = new State(true, true, "");
  }

  private final Db db;
  private final HealthStatusManager health;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile State state = State.STARTING;
  private volatile boolean stopped;

  DbHealth(
      Db db, HealthStatusManager health, ScheduledExecutorService scheduler, long periodMillis) {
    this.db = db;
    this.health = health;
    this.scheduler = scheduler;
    publish(State.STARTING);
    refresh();
    scheduler.scheduleWithFixedDelay(
        this::refresh, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  State state() {
    return state;
  }

  /** Checks the Db soon (after a write failed: it may have turned read-only). */
  void refreshSoon() {
    if (refreshQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(
            () -> {
              refreshQueued.set(false);
              refresh();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        refreshQueued.set(false); // stopping
      }
    }
  }

  /** Reads the Db's state and publishes it. */
  synchronized void refresh() {
    if (stopped) {
      return;
    }
    State next;
    try {
      DbStats stats = db.stats();
      String readOnly = stats.writes().readOnlyReason();
      String fenced = stats.shipping().fenced();
      if (!readOnly.isEmpty()) {
        next = new State(true, false, readOnly);
      } else if (!fenced.isEmpty()) {
        next = new State(true, false, fenced);
      } else {
        next = new State(true, true, "");
      }
    } catch (IllegalStateException e) {
      next = new State(false, false, "the Db is closed");
    } catch (RuntimeException e) {
      next = new State(false, false, "the Db's state cannot be read: " + e);
    }
    if (!next.equals(state)) {
      if (next.writes()) {
        LOG.info("health: serving reads and writes again");
      } else {
        LOG.warn(
            "health: {} ({})", next.reads() ? "serving reads only" : "not serving", next.reason());
      }
      publish(next);
    }
  }

  private void publish(State next) {
    state = next;
    ServingStatus reads = next.reads() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    ServingStatus writes = next.writes() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    ServingStatus all =
        next.reads() && next.writes() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(ShaleServer.READ_HEALTH, reads);
    health.setStatus(ShaleServer.WRITE_HEALTH, writes);
    health.setStatus(ShaleServer.SERVICE_NAME, all);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, all);
  }

  /** Stops following the Db; every service is NOT_SERVING from now on. */
  synchronized void stop() {
    stopped = true;
    state = new State(false, false, "the server is shutting down");
    health.enterTerminalState();
  }

  static String name(boolean serving) {
    return Objects.requireNonNull(
        (serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING).name());
  }
}
