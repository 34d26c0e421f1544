package dev.shale.lsm.engine.remote;

import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to an object store that retry transient failures (throttling, 5xx, timeouts, dropped
 * connections) with exponential backoff and full jitter until a deadline, and that resolve an
 * ambiguous create-only put: when a retry finds the key taken, the object's put id says whether the
 * earlier attempt was applied after all. Thread-safe.
 */
public final class StoreRetries {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRetries.class);
  private static final long FIRST_BACKOFF_MILLIS = 20;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final long retryMillis;
  private final LongAdder retries = new LongAdder();

  /** Retries for up to {@code retryMillis} after the first failure of a call. */
  public StoreRetries(long retryMillis) {
    this.retryMillis = retryMillis;
  }

  /** Retries made so far. */
  public long retries() {
    return retries.sum();
  }

  /** One store call. */
  @FunctionalInterface
  public interface Call<T extends @Nullable Object> {
    T run() throws IOException;
  }

  /**
   * Runs {@code call}, retrying failures other than a failed precondition or a missing object.
   *
   * @throws IOException the last failure, once the deadline has passed
   */
  public <T extends @Nullable Object> T call(String what, Call<T> call) throws IOException {
    long deadline = System.nanoTime() + retryMillis * 1_000_000;
    long backoff = FIRST_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (PreconditionFailedException | NoSuchObjectException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new IOException(
              what + " failed after " + attempt + " attempts over " + retryMillis + " ms", e);
        }
        long sleep = Math.min(left, ThreadLocalRandom.current().nextLong(backoff + 1));
        LOG.debug(
            "{} failed (attempt {}), retrying in {} ms: {}", what, attempt, sleep, e.toString());
        retries.increment();
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while retrying " + what);
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  /**
   * Writes {@code data} at {@code key} if no object is there, tagged with {@code putId}.
   *
   * @return true when the object at {@code key} is ours (written now, or by an earlier attempt
   *     whose answer was lost), false when someone else's is there
   */
  public boolean putIfAbsent(ObjectStore store, String key, byte[] data, String putId)
      throws IOException {
    try {
      call("put " + key, () -> store.put(key, data, PutOptions.ifAbsent(putId)));
      return true;
    } catch (PreconditionFailedException e) {
      Optional<ObjectInfo> there = call("head " + key, () -> store.head(key));
      boolean ours =
          there.isPresent() && putId.equals(there.get().metadata().get(PutOptions.PUT_ID));
      if (ours) {
        LOG.info("{}: an earlier attempt of this put was applied; its answer was lost", key);
      }
      return ours;
    }
  }
}
