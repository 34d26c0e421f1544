package dev.shale.lsm.api;

import org.jspecify.annotations.Nullable;

/**
 * How one read or iterator sees the Db. Immutable: every {@code with...} method returns a copy, and
 * the arrays given are copied.
 *
 * <p>Bounds and prefix only matter for iterators; {@link Db#get(byte[], ReadOptions)} honours only
 * the snapshot. Checksums are always verified.
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULTS = new ReadOptions(null, null, null, null, true);

  private final @Nullable Snapshot snapshot;
  private final byte @Nullable [] lowerBound;
  private final byte @Nullable [] upperBound;
  private final byte @Nullable [] prefix;
  private final boolean fillCache;

  private ReadOptions(
      @Nullable Snapshot snapshot,
      byte @Nullable [] lowerBound,
      byte @Nullable [] upperBound,
      byte @Nullable [] prefix,
      boolean fillCache) {
    this.snapshot = snapshot;
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
    this.prefix = prefix;
    this.fillCache = fillCache;
  }

  /** The latest state, no bounds, blocks read go into the cache. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /** Read as of {@code snapshot} instead of the latest state. */
  public ReadOptions withSnapshot(@Nullable Snapshot snapshot) {
    return new ReadOptions(snapshot, lowerBound, upperBound, prefix, fillCache);
  }

  /** Iterate only keys {@code >= lowerBound} (inclusive), or none when null. */
  public ReadOptions withLowerBound(byte @Nullable [] lowerBound) {
    return new ReadOptions(snapshot, copy(lowerBound), upperBound, prefix, fillCache);
  }

  /** Iterate only keys {@code < upperBound} (exclusive), or none when null. */
  public ReadOptions withUpperBound(byte @Nullable [] upperBound) {
    return new ReadOptions(snapshot, lowerBound, copy(upperBound), prefix, fillCache);
  }

  /** Iterate only keys that start with {@code prefix}, or all when null. */
  public ReadOptions withPrefix(byte @Nullable [] prefix) {
    return new ReadOptions(snapshot, lowerBound, upperBound, copy(prefix), fillCache);
  }

  /** Whether blocks read for this read are added to the block cache (off for one-off scans). */
  public ReadOptions withFillCache(boolean fillCache) {
    return new ReadOptions(snapshot, lowerBound, upperBound, prefix, fillCache);
  }

  public @Nullable Snapshot snapshot() {
    return snapshot;
  }

  /** The inclusive lower bound (a copy), or null. */
  public byte @Nullable [] lowerBound() {
    return copy(lowerBound);
  }

  /** The exclusive upper bound (a copy), or null. */
  public byte @Nullable [] upperBound() {
    return copy(upperBound);
  }

  /** The prefix (a copy), or null. */
  public byte @Nullable [] prefix() {
    return copy(prefix);
  }

  public boolean fillCache() {
    return fillCache;
  }

  private static byte @Nullable [] copy(byte @Nullable [] bytes) {
    return bytes == null ? null : bytes.clone();
  }
}
