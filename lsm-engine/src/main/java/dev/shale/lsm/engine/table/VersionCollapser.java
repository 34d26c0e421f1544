package dev.shale.lsm.engine.table;

import dev.shale.lsm.spi.EntryKind;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Decides which versions of each key a flush or compaction keeps, given the live snapshots: for
 * every snapshot "stripe" (the versions a snapshot sees and the next older one does not) only the
 * newest version survives, and a tombstone that every snapshot sees is dropped too when nothing
 * older of its key can exist below the output ({@link KeyHistory}). Fed in internal-key order. Not
 * thread-safe.
 */
public final class VersionCollapser {
  /** Answers whether older versions of a key may exist in files the job does not rewrite. */
  @FunctionalInterface
  public interface KeyHistory {
    /** Called with keys in ascending order. */
    boolean mayHaveOlderVersionsBelow(byte[] key);
  }

  private final long[] snapshots;
  private final KeyHistory history;
  private byte @Nullable [] currentKey;
  private int keptStripe;
  private long dropped;
  private long droppedTombstones;

  /**
   * @param snapshots live snapshot sequences, ascending
   * @param history where older versions may hide; a flush passes "always"
   */
  public VersionCollapser(long[] snapshots, KeyHistory history) {
    this.snapshots = snapshots.clone();
    Arrays.sort(this.snapshots);
    this.history = history;
  }

  /** Whether to keep the next entry. */
  public boolean keep(byte[] key, long sequence, EntryKind kind) {
    if (currentKey == null || !Arrays.equals(currentKey, key)) {
      currentKey = key;
      keptStripe = -1;
    }
    int stripe = stripeOf(sequence);
    if (stripe == keptStripe) {
      dropped++;
      return false; // a newer version in the same stripe hides it from every snapshot
    }
    keptStripe = stripe;
    if (kind == EntryKind.DELETE && stripe == 0 && !history.mayHaveOlderVersionsBelow(key)) {
      dropped++;
      droppedTombstones++;
      return false; // every reader sees the delete and nothing older survives below
    }
    return true;
  }

  /** Versions dropped so far (tombstones included). */
  public long dropped() {
    return dropped;
  }

  /** Tombstones dropped so far. */
  public long droppedTombstones() {
    return droppedTombstones;
  }

  /** The index of the oldest snapshot that sees {@code sequence}, or the snapshot count. */
  private int stripeOf(long sequence) {
    int lo = 0;
    int hi = snapshots.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (snapshots[mid] < sequence) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
