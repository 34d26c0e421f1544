package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.server.protocol.ErrorCodes;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Admission of large writes: a write carrying at least {@link #THRESHOLD_BYTES} enters only one at
 * a time, and only while the Db's background work has caught up (no memtable waiting for its flush,
 * no compaction running, the Db writable). Otherwise it is answered {@code RESOURCE_EXHAUSTED} with
 * a retry hint.
 *
 * <p>Why: a large value costs the engine far more than its bytes (a memtable filled in one write, a
 * flush, compactions, copies large enough to strain the heap), and once that backlog makes the
 * engine stall its writers, every client's small writes wait too. Pushing large writes back until
 * the backlog is gone gives them the bandwidth the engine absorbs without stalling, whatever the
 * machine, and leaves small writes alone.
 *
 * <p>Refusing cheaply: a client that declares a request's size ({@link
 * dev.shale.lsm.server.protocol.RequestSize}, as {@code ShaleClient} does) is refused from its
 * headers, before the bytes are sent. A connection that was pushed back and comes back within the
 * retry hint is refused from the headers too, unless it declares a small request: a client that
 * ignores the hint cannot make the server receive large requests only to drop them. Thread-safe.
 */
final class LargeWriteLane {
  /** Writes of at least this many bytes go through the lane. */
  static final long THRESHOLD_BYTES = 1 << 20;

  /** The retry hint of a large write pushed back: about the time of a flush. */
  static final Duration RETRY = Duration.ofMillis(500);

  /**
   * How many times its size a large write takes from the heap on its way through the engine: the
   * request, the batch, the log's buffer, the memtable, then the flush's block and its compressed
   * copy, and compactions reading and rewriting it.
   */
  static final int HEAP_COST = 8;

  /** Connections remembered as pushed back, at most (the oldest are forgotten). */
  private static final int MAX_REMEMBERED = 10_000;

  private final Semaphore slot = new Semaphore(1);
  private final BooleanSupplier busy;
  private final LongSupplier freeHeap;
  private final LongSupplier nanoClock;
  private final Map<Object, Long> pushedBackUntil = new ConcurrentHashMap<>();

  /**
   * A lane whose Db is busy when {@code busy} says so, with {@code freeHeap} bytes of heap free
   * after the last collection.
   */
  LargeWriteLane(BooleanSupplier busy, LongSupplier freeHeap, LongSupplier nanoClock) {
    this.busy = busy;
    this.freeHeap = freeHeap;
    this.nanoClock = nanoClock;
  }

  /** A lane for {@code db} in this JVM: busy while its stats show background work pending. */
  static LargeWriteLane forDb(Db db, LongSupplier heapAfterLastGc) {
    return new LargeWriteLane(
        () -> busy(db.stats()),
        () -> Runtime.getRuntime().maxMemory() - heapAfterLastGc.getAsLong(),
        System::nanoTime);
  }

  /** Whether the stats show background work a large write would add to. */
  static boolean busy(DbStats stats) {
    return stats.memtables().immutableCount() > 0
        || stats.compactions().running() > 0
        || !stats.writes().readOnlyReason().isEmpty();
  }

  /**
   * The refusal of a call from its headers alone, or null to let it send its request.
   *
   * @param connection the call's connection (its remote address)
   * @param declared the request size the headers declare, or -1
   */
  @Nullable StatusRuntimeException refuseEarly(@Nullable Object connection, long declared) {
    if (declared >= 0 && declared < THRESHOLD_BYTES) {
      return null;
    }
    long now = nanoClock.getAsLong();
    Long until = connection == null ? null : pushedBackUntil.get(connection);
    if (until != null && now - until < 0) {
      return ErrorCodes.overloaded(
          "this connection's last large write was pushed back less than "
              + RETRY.toMillis()
              + " ms ago; wait for the retry hint",
          Duration.ofNanos(until - now));
    }
    if (declared >= THRESHOLD_BYTES && (slot.availablePermits() == 0 || cannotTake(declared))) {
      pushBack(connection, now);
      return busyRefusal();
    }
    return null;
  }

  /**
   * Lets a received write of {@code bytes} in, or refuses it.
   *
   * @return what the call runs when it ends (leaves the lane)
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED with a retry hint when refused
   */
  Runnable enter(@Nullable Object connection, long bytes) {
    if (bytes < THRESHOLD_BYTES) {
      return () -> {};
    }
    if (!slot.tryAcquire()) {
      pushBack(connection, nanoClock.getAsLong());
      throw busyRefusal();
    }
    boolean entered = false;
    try {
      if (cannotTake(bytes)) {
        pushBack(connection, nanoClock.getAsLong());
        throw busyRefusal();
      }
      entered = true;
      return slot::release;
    } finally {
      if (!entered) {
        slot.release();
      }
    }
  }

  private boolean cannotTake(long bytes) {
    return freeHeap.getAsLong() < HEAP_COST * bytes || busy.getAsBoolean();
  }

  private void pushBack(@Nullable Object connection, long now) {
    if (connection == null) {
      return;
    }
    if (pushedBackUntil.size() >= MAX_REMEMBERED) {
      for (Iterator<Long> it = pushedBackUntil.values().iterator(); it.hasNext(); ) {
        if (now - it.next() >= 0) {
          it.remove();
        }
      }
    }
    pushedBackUntil.put(connection, now + RETRY.toNanos());
  }

  private static StatusRuntimeException busyRefusal() {
    return ErrorCodes.overloaded(
        "the Db is flushing or compacting, its heap is short, or another large write is running;"
            + " writes of "
            + THRESHOLD_BYTES
            + " bytes or more wait until it has caught up, so that they do not stall the writes"
            + " of other clients; retry",
        RETRY);
  }
}
