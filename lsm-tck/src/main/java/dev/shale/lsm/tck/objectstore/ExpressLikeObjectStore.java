package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An object store wrapper that behaves like an S3 Express One Zone directory bucket where that
 * differs from a general-purpose bucket, so code written against it cannot lean on the differences.
 * Thread-safe.
 *
 * <ul>
 *   <li>Listings come in no particular order (shuffled) and {@code startAfter} is ignored, except
 *       for the opaque {@link ListPage#nextStartAfter()} tokens this wrapper hands out, which
 *       continue a listing (as S3's continuation tokens do). The capabilities drop {@code
 *       SORTED_LISTING} and {@code LIST_START_AFTER}.
 *   <li>A conditional put that overlaps another conditional put of the same key fails now and then
 *       with a {@link TransientStoreException} standing for HTTP 409 ConditionalRequestConflict,
 *       without being applied; optionally any conditional put does, at a given rate.
 * </ul>
 */
public final class ExpressLikeObjectStore extends ForwardingObjectStore {
  /** Marks the tokens of this wrapper: a NUL never starts a real S3 key. */
  private static final char TOKEN_MARK = '\u0000';

  private static final int MAX_OPEN_CURSORS = 1024;

  private final Random random;
  private final double overlapConflictProbability;
  private final double spontaneousConflictProbability;
  private final Map<String, AtomicInteger> conditionalInFlight = new ConcurrentHashMap<>();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong cursorIds = new AtomicLong();
  private final Map<String, List<ObjectInfo>> cursors =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<ObjectInfo>> eldest) {
              return size() > MAX_OPEN_CURSORS;
            }
          });

  /** Wraps {@code delegate}: overlapping conditional puts conflict half the time. */
  public ExpressLikeObjectStore(ObjectStore delegate, long seed) {
    this(delegate, seed, 0.5, 0.0);
  }

  /**
   * Wraps {@code delegate}.
   *
   * @param overlapConflictProbability chance that a conditional put overlapping another of the same
   *     key fails with a 409-style conflict
   * @param spontaneousConflictProbability chance that any conditional put does
   */
  public ExpressLikeObjectStore(
      ObjectStore delegate,
      long seed,
      double overlapConflictProbability,
      double spontaneousConflictProbability) {
    super(delegate);
    checkProbability(overlapConflictProbability);
    checkProbability(spontaneousConflictProbability);
    this.random = new Random(seed);
    this.overlapConflictProbability = overlapConflictProbability;
    this.spontaneousConflictProbability = spontaneousConflictProbability;
  }

  private static void checkProbability(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
    }
  }

  /** How many 409-style conflicts this wrapper has answered. */
  public long conflicts() {
    return conflicts.get();
  }

  @Override
  public Set<ObjectStoreCapability> capabilities() {
    Set<ObjectStoreCapability> caps = EnumSet.noneOf(ObjectStoreCapability.class);
    caps.addAll(delegate().capabilities());
    caps.remove(ObjectStoreCapability.SORTED_LISTING);
    caps.remove(ObjectStoreCapability.LIST_START_AFTER);
    return Collections.unmodifiableSet(caps);
  }

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    return conditionally(key, options, () -> delegate().put(key, data, options));
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    return conditionally(key, options, () -> delegate().putFile(key, file, options));
  }

  private interface PutCall {
    PutResult run() throws IOException;
  }

  private PutResult conditionally(String key, PutOptions options, PutCall call) throws IOException {
    if (options.condition() instanceof PutCondition.None) {
      return call.run();
    }
    AtomicInteger inFlight = conditionalInFlight.computeIfAbsent(key, k -> new AtomicInteger());
    int overlapping = inFlight.incrementAndGet();
    try {
      double draw;
      synchronized (random) {
        draw = random.nextDouble();
      }
      if ((overlapping > 1 && draw < overlapConflictProbability)
          || draw < spontaneousConflictProbability) {
        conflicts.incrementAndGet();
        throw new TransientStoreException(
            "409 ConditionalRequestConflict on " + key + " (simulated S3 Express)", null);
      }
      return call.run();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    if (maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
    }
    List<ObjectInfo> remaining = null;
    if (startAfter != null && !startAfter.isEmpty() && startAfter.charAt(0) == TOKEN_MARK) {
      remaining = cursors.remove(prefix + TOKEN_MARK + startAfter);
    }
    if (remaining == null) {
      remaining = snapshot(prefix);
    }
    int n = Math.min(maxKeys, remaining.size());
    List<ObjectInfo> page = new ArrayList<>(remaining.subList(0, n));
    if (n == remaining.size()) {
      return new ListPage(page, null);
    }
    String token = TOKEN_MARK + "cursor-" + cursorIds.incrementAndGet();
    cursors.put(
        prefix + TOKEN_MARK + token, new ArrayList<>(remaining.subList(n, remaining.size())));
    return new ListPage(page, token);
  }

  private List<ObjectInfo> snapshot(String prefix) throws IOException {
    List<ObjectInfo> all = new ArrayList<>();
    String next = null;
    do {
      ListPage page = delegate().list(prefix, next, 1000);
      all.addAll(page.objects());
      next = page.nextStartAfter();
    } while (next != null);
    synchronized (random) {
      Collections.shuffle(all, random);
    }
    return all;
  }
}
