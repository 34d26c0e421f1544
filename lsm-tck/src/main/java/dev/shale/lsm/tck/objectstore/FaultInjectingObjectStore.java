package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An object store wrapper that injects failures, delays and pauses into chosen calls, for engine
 * tests of shipping, fencing and recovery. Thread-safe.
 *
 * <p>Faults are armed per {@link Operation} with a key filter (for {@code LIST} the filter sees the
 * prefix): scripted ({@link #failNext}, {@link #failTimes}) or random ({@link #failRandomly}, from
 * the seed given at construction, so a failing run can be repeated). The first armed rule that
 * matches a call decides its fault. {@link Fault#appliedThenTimeout()} applies the call to the
 * delegate and then throws {@link TransientStoreException}: the "timeout after the store applied
 * the write" case that makes a retried conditional put ambiguous.
 *
 * <p>Pause points ({@link #pauseBefore}, {@link #pauseAfterApply}) block the first matching call
 * until the test releases it, so a test can hold one writer mid-flight while another acts.
 *
 * <p>Counts ({@link #calls}, {@link #injectedFailures}) include calls that failed.
 */
public final class FaultInjectingObjectStore extends ForwardingObjectStore {

  /** The kinds of call a fault or pause can target. */
  public enum Operation {
    /** {@code put} and {@code putFile}. */
    PUT,
    /** {@code get} and {@code getToFile}. */
    GET,
    /** {@code getRange}. */
    GET_RANGE,
    /** {@code head}. */
    HEAD,
    /** {@code list}. */
    LIST,
    /** {@code delete}. */
    DELETE
  }

  /** What happens to a call a rule picks. */
  public sealed interface Fault {
    /** Throws a plain {@link IOException} with {@code message}; the call is not applied. */
    static Fault ioException(String message) {
      return new Throw(() -> new IOException("injected: " + message));
    }

    /** Throws the exception {@code failure} makes; the call is not applied. */
    static Fault exception(Supplier<? extends IOException> failure) {
      return new Throw(failure);
    }

    /**
     * Throws {@link TransientStoreException} as a store does when throttling (503 SlowDown)
     * outlasts its retries; the call is not applied.
     */
    static Fault throttled() {
      return new Throw(
          () -> new TransientStoreException("injected: 503 SlowDown, retries exhausted", null));
    }

    /**
     * Applies the call, then throws {@link TransientStoreException} as if the response was lost (a
     * timeout after the store applied the write).
     */
    static Fault appliedThenTimeout() {
      return AppliedThenTimeout.INSTANCE;
    }

    /** Sleeps {@code delay}, then performs the call normally. */
    static Fault delay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay " + delay);
      }
      return new Delay(delay);
    }
  }

  /** A fault that throws before the call reaches the delegate. */
  record Throw(Supplier<? extends IOException> failure) implements Fault {}

  /** A fault that applies the call and then reports a timeout. */
  enum AppliedThenTimeout implements Fault {
    INSTANCE
  }

  /** A fault that slows the call down. */
  record Delay(Duration delay) implements Fault {}

  /**
   * A point where one call blocks until the test releases it. One-shot: the first matching call
   * stops there, later ones pass. Thread-safe.
   */
  public static final class PausePoint {
    private final Operation operation;
    private final Predicate<String> keys;
    private final boolean afterApply;
    private final AtomicBoolean taken = new AtomicBoolean();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    PausePoint(Operation operation, Predicate<String> keys, boolean afterApply) {
      this.operation = operation;
      this.keys = keys;
      this.afterApply = afterApply;
    }

    /** Waits until a call has stopped here; false on timeout. */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
      return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether a call has stopped here. */
    public boolean isReached() {
      return reached.getCount() == 0;
    }

    /** Lets the stopped call (or the next one to arrive) go on. */
    public void release() {
      released.countDown();
    }

    boolean tryTake(Operation op, String key, boolean after) {
      return op == operation
          && after == afterApply
          && keys.test(key)
          && taken.compareAndSet(false, true);
    }

    void block(String key) throws InterruptedIOException {
      reached.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while paused at " + operation + " " + key);
      }
    }
  }

  private static final class Rule {
    final Operation operation;
    final Predicate<String> keys;
    final Fault fault;
    final double probability;
    final AtomicInteger remaining; // negative: unlimited

    Rule(Operation operation, Predicate<String> keys, Fault fault, double probability, int times) {
      this.operation = operation;
      this.keys = keys;
      this.fault = fault;
      this.probability = probability;
      this.remaining = new AtomicInteger(times);
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<PausePoint> pauses = new CopyOnWriteArrayList<>();
  private final AtomicLong[] calls = new AtomicLong[Operation.values().length];
  private final AtomicLong[] injected = new AtomicLong[Operation.values().length];
  private final Random random;

  /** Wraps {@code delegate}; random faults use a fixed seed. */
  public FaultInjectingObjectStore(ObjectStore delegate) {
    this(delegate, 0x5ca1eL);
  }

  /** Wraps {@code delegate}; random faults draw from {@code seed}. */
  public FaultInjectingObjectStore(ObjectStore delegate, long seed) {
    super(delegate);
    this.random = new Random(seed);
    for (Operation op : Operation.values()) {
      calls[op.ordinal()] = new AtomicLong();
      injected[op.ordinal()] = new AtomicLong();
    }
  }

  /** A key filter matching every key. */
  public static Predicate<String> anyKey() {
    return k -> true;
  }

  /** A key filter matching keys that start with {@code prefix}. */
  public static Predicate<String> keysStartingWith(String prefix) {
    return k -> k.startsWith(prefix);
  }

  /** The next call of {@code operation} gets {@code fault}. */
  public FaultInjectingObjectStore failNext(Operation operation, Fault fault) {
    return failTimes(operation, anyKey(), 1, fault);
  }

  /** The next call of {@code operation} on a matching key gets {@code fault}. */
  public FaultInjectingObjectStore failNext(
      Operation operation, Predicate<String> keys, Fault fault) {
    return failTimes(operation, keys, 1, fault);
  }

  /** The next {@code times} calls of {@code operation} on matching keys get {@code fault}. */
  public FaultInjectingObjectStore failTimes(
      Operation operation, Predicate<String> keys, int times, Fault fault) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive: " + times);
    }
    rules.add(new Rule(operation, keys, fault, 1.0, times));
    return this;
  }

  /** Each call of {@code operation} gets {@code fault} with {@code probability}, until cleared. */
  public FaultInjectingObjectStore failRandomly(
      Operation operation, double probability, Fault fault) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1]: " + probability);
    }
    rules.add(new Rule(operation, anyKey(), fault, probability, -1));
    return this;
  }

  /** Disarms every fault rule (pause points stay). */
  public void clearFaults() {
    rules.clear();
  }

  /** Arms a pause point that stops the first matching call before it reaches the delegate. */
  public PausePoint pauseBefore(Operation operation, Predicate<String> keys) {
    PausePoint p = new PausePoint(operation, keys, false);
    pauses.add(p);
    return p;
  }

  /** Arms a pause point that stops the first matching call after the delegate applied it. */
  public PausePoint pauseAfterApply(Operation operation, Predicate<String> keys) {
    PausePoint p = new PausePoint(operation, keys, true);
    pauses.add(p);
    return p;
  }

  /** How many calls of {@code operation} were made, failed ones included. */
  public long calls(Operation operation) {
    return calls[operation.ordinal()].get();
  }

  /** How many calls of {@code operation} got an injected failure. */
  public long injectedFailures(Operation operation) {
    return injected[operation.ordinal()].get();
  }

  /** The wrapped store. */
  public ObjectStore wrapped() {
    return delegate();
  }

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    return run(Operation.PUT, key, () -> delegate().put(key, data, options));
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    return run(Operation.PUT, key, () -> delegate().putFile(key, file, options));
  }

  @Override
  public byte[] get(String key) throws IOException {
    return run(Operation.GET, key, () -> delegate().get(key));
  }

  @Override
  public void getToFile(String key, Path target) throws IOException {
    run(
        Operation.GET,
        key,
        () -> {
          delegate().getToFile(key, target);
          return Boolean.TRUE;
        });
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    return run(Operation.GET_RANGE, key, () -> delegate().getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    return run(Operation.HEAD, key, () -> delegate().head(key));
  }

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    return run(Operation.LIST, prefix, () -> delegate().list(prefix, startAfter, maxKeys));
  }

  @Override
  public void delete(String key) throws IOException {
    run(
        Operation.DELETE,
        key,
        () -> {
          delegate().delete(key);
          return Boolean.TRUE;
        });
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T run(Operation op, String key, Call<T> call) throws IOException {
    calls[op.ordinal()].incrementAndGet();
    pauseIfArmed(op, key, false);
    Fault fault = pick(op, key);
    if (fault instanceof Throw t) {
      injected[op.ordinal()].incrementAndGet();
      throw t.failure().get();
    }
    if (fault instanceof Delay d) {
      sleep(d.delay(), op, key);
    }
    T result = call.run();
    pauseIfArmed(op, key, true);
    if (fault == AppliedThenTimeout.INSTANCE) {
      injected[op.ordinal()].incrementAndGet();
      throw new TransientStoreException(
          "injected: timeout after the store applied " + op + " " + key, null);
    }
    return result;
  }

  private @Nullable Fault pick(Operation op, String key) {
    for (Rule r : rules) {
      if (r.operation != op || !r.keys.test(key)) {
        continue;
      }
      if (r.probability < 1.0) {
        double draw;
        synchronized (random) {
          draw = random.nextDouble();
        }
        if (draw >= r.probability) {
          continue;
        }
      }
      if (r.remaining.get() < 0) {
        return r.fault;
      }
      if (r.remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
        return r.fault;
      }
    }
    return null;
  }

  private void pauseIfArmed(Operation op, String key, boolean after) throws InterruptedIOException {
    for (PausePoint p : pauses) {
      if (p.tryTake(op, key, after)) {
        p.block(key);
      }
    }
  }

  private static void sleep(Duration d, Operation op, String key) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during injected delay of " + op + " " + key);
    }
  }
}
