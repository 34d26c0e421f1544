package dev.shale.lsm.server;

import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The heap the server lets requests in flight hold: a request acquires its estimated cost before
 * the server reads or parses it and releases it when the call ends, so that no mix of clients can
 * make the server hold more than the budget for requests and responses. A request that does not fit
 * is refused at once (the caller answers {@code RESOURCE_EXHAUSTED} with a retry hint) rather than
 * queued: waiting requests would hold their bytes anyway.
 *
 * <p>Large requests (at least {@link #LARGE_REQUEST_BYTES}) may together hold at most half of the
 * budget, so that a flood of large values cannot starve the small requests of other clients.
 * Thread-safe and lock-free.
 */
final class MemoryBudget {
  /** Requests of at least this cost count against the large-request half of the budget. */
  static final long LARGE_REQUEST_BYTES = 1 << 20;

  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong usedByLarge = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  MemoryBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("the memory budget must be positive, was " + limit);
    }
    this.limit = limit;
  }

  /** A share of the budget; {@link #close()} returns it (once; later calls do nothing). */
  final class Permit implements AutoCloseable {
    private final AtomicLong bytes;
    private final AtomicLong large = new AtomicLong();

    private Permit(long bytes) {
      this.bytes = new AtomicLong(bytes);
    }

    /**
     * Adds {@code more} bytes to this permit if the budget has them; false (and nothing) if not.
     * Once the permit holds {@link #LARGE_REQUEST_BYTES} or more, all of it counts as large.
     */
    boolean tryGrow(long more) {
      long now = bytes();
      long largeMore = 0;
      if (now + more >= LARGE_REQUEST_BYTES) {
        largeMore = now + more - large.get();
      }
      if (!take(more, largeMore)) {
        return false;
      }
      large.addAndGet(largeMore);
      if (bytes.getAndAdd(more) < 0) { // closed meanwhile: give the bytes back
        used.addAndGet(-more);
        usedByLarge.addAndGet(-largeMore);
        return false;
      }
      return true;
    }

    /** Bytes held. */
    long bytes() {
      return Math.max(0, bytes.get());
    }

    @Override
    public void close() {
      long held = bytes.getAndSet(Long.MIN_VALUE / 2);
      if (held > 0) {
        used.addAndGet(-held);
        usedByLarge.addAndGet(-large.getAndSet(0));
      }
    }
  }

  /** A permit for {@code bytes}, or null when the budget does not have them now. */
  @Nullable Permit tryAcquire(long bytes) {
    long large = bytes >= LARGE_REQUEST_BYTES ? bytes : 0;
    if (!take(bytes, large)) {
      return null;
    }
    Permit permit = new Permit(bytes);
    permit.large.set(large);
    return permit;
  }

  private boolean take(long bytes, long large) {
    if (bytes < 0 || large < 0) {
      throw new IllegalArgumentException("bytes must not be negative, was " + bytes);
    }
    if (large > 0) {
      long nowLarge = usedByLarge.addAndGet(large);
      if (nowLarge > limit / 2) {
        usedByLarge.addAndGet(-large);
        refused.incrementAndGet();
        return false;
      }
    }
    while (true) {
      long now = used.get();
      long next = now + bytes;
      if (next > limit && bytes > 0) {
        usedByLarge.addAndGet(-large);
        refused.incrementAndGet();
        return false;
      }
      if (used.compareAndSet(now, next)) {
        peak.accumulateAndGet(next, Math::max);
        return true;
      }
    }
  }

  long limit() {
    return limit;
  }

  long used() {
    return used.get();
  }

  long peak() {
    return peak.get();
  }

  long refused() {
    return refused.get();
  }
}
