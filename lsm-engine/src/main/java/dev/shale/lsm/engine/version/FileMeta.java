package dev.shale.lsm.engine.version;

import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.sstable.TableProperties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One live SSTable as the engine tracks it: its number, size, key and sequence ranges, and a count
 * of the {@link Version}s that list it. When the last such version is released the file is obsolete
 * and {@link FileReleaser} deletes it.
 */
public final class FileMeta {
  private final long fileId;
  private final long sizeBytes;
  private final byte[] smallestKey;
  private final byte[] largestKey;
  private final long smallestSequence;
  private final long largestSequence;
  private final long entryCount;
  private final long tombstoneCount;
  private final AtomicInteger versionRefs = new AtomicInteger();

  public FileMeta(
      long fileId,
      long sizeBytes,
      byte[] smallestKey,
      byte[] largestKey,
      long smallestSequence,
      long largestSequence,
      long entryCount,
      long tombstoneCount) {
    this.fileId = fileId;
    this.sizeBytes = sizeBytes;
    this.smallestKey = smallestKey;
    this.largestKey = largestKey;
    this.smallestSequence = smallestSequence;
    this.largestSequence = largestSequence;
    this.entryCount = entryCount;
    this.tombstoneCount = tombstoneCount;
  }

  /** Metadata of a freshly written table. */
  public static FileMeta of(long fileId, long sizeBytes, TableProperties p) {
    return new FileMeta(
        fileId,
        sizeBytes,
        p.smallestKey(),
        p.largestKey(),
        p.smallestSequence(),
        p.largestSequence(),
        p.entryCount(),
        p.tombstoneCount());
  }

  public long fileId() {
    return fileId;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  /** The smallest user key; not to be modified. */
  public byte[] smallestKey() {
    return smallestKey;
  }

  /** The largest user key; not to be modified. */
  public byte[] largestKey() {
    return largestKey;
  }

  public long smallestSequence() {
    return smallestSequence;
  }

  public long largestSequence() {
    return largestSequence;
  }

  public long entryCount() {
    return entryCount;
  }

  public long tombstoneCount() {
    return tombstoneCount;
  }

  /** Whether {@code key} lies within the file's key range. */
  public boolean covers(byte[] key) {
    return KeyOrder.compareKeys(key, smallestKey) >= 0
        && KeyOrder.compareKeys(key, largestKey) <= 0;
  }

  /** Whether the file's key range meets {@code [from, to]} (null bounds are open). */
  public boolean overlaps(
      byte @org.jspecify.annotations.Nullable [] from,
      byte @org.jspecify.annotations.Nullable [] to) {
    return (from == null || KeyOrder.compareKeys(largestKey, from) >= 0)
        && (to == null || KeyOrder.compareKeys(smallestKey, to) <= 0);
  }

  /** The file as a compaction strategy sees it. */
  public FileShape toShape() {
    return new FileShape(
        fileId,
        sizeBytes,
        smallestKey,
        largestKey,
        smallestSequence,
        largestSequence,
        entryCount,
        tombstoneCount);
  }

  void ref() {
    versionRefs.incrementAndGet();
  }

  /** Returns true when this was the last reference. */
  boolean unref() {
    int left = versionRefs.decrementAndGet();
    if (left < 0) {
      throw new IllegalStateException("file " + fileId + " released more often than referenced");
    }
    return left == 0;
  }

  @Override
  public String toString() {
    return "#"
        + fileId
        + "("
        + sizeBytes
        + " B, seq "
        + smallestSequence
        + ".."
        + largestSequence
        + ")";
  }
}
