package dev.shale.lsm.txn;

import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.spi.txn.TransactionSupport.CommittedState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a serializable transaction read from its snapshot: single keys (through {@code get}) and the
 * key ranges its iterators covered. Validation asks the committed state whether any of it changed
 * after the snapshot.
 */
final class ReadSet {
  private final TreeSet<byte[]> keys = new TreeSet<>(Keys.ORDER);
  private final List<Scan> scans = new ArrayList<>();

  /** Records a key read from the snapshot; {@code key} must not be modified afterwards. */
  void addKey(byte[] key) {
    keys.add(key);
  }

  /**
   * Starts recording a scan positioned at {@code from} (null = from the first key) that cannot go
   * past {@code bound} (exclusive, null = unbounded).
   */
  Scan startScan(byte @Nullable [] from, byte @Nullable [] bound) {
    Scan scan = new Scan(from, bound);
    scans.add(scan);
    return scan;
  }

  boolean isEmpty() {
    return keys.isEmpty() && scans.isEmpty();
  }

  /**
   * Refuses the commit when a key read, or any key in a covered range, has a version newer than
   * {@code start}.
   *
   * @throws TransactionConflictException naming the first change found
   */
  void validate(CommittedState state, long start) {
    List<Range> ranges = coveredRanges();
    for (Range r : ranges) {
      if (state.changedSince(r.from(), r.to(), start)) {
        throw new TransactionConflictException(
            "a key in the range scanned from "
                + Keys.describe(r.from())
                + " to "
                + Keys.describe(r.to())
                + " changed after this transaction's snapshot (sequence "
                + start
                + "); run the transaction again");
      }
    }
    for (byte[] key : keys) {
      if (covered(ranges, key)) {
        continue;
      }
      long latest = state.latestSequence(key);
      if (latest > start) {
        throw new TransactionConflictException(
            "key "
                + Keys.describe(key)
                + " read by this transaction changed at sequence "
                + latest
                + ", after its snapshot (sequence "
                + start
                + "); run the transaction again");
      }
    }
  }

  /** The ranges covered by every scan, merged where they overlap or touch, sorted by start. */
  List<Range> coveredRanges() {
    List<Range> ranges = new ArrayList<>(scans.size());
    for (Scan s : scans) {
      Range r = s.covered();
      if (r != null) {
        ranges.add(r);
      }
    }
    ranges.sort(Range.BY_START);
    List<Range> merged = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      if (!merged.isEmpty()) {
        Range last = merged.get(merged.size() - 1);
        byte[] lastTo = last.to();
        byte[] from = r.from();
        if (lastTo == null || from == null || Keys.compare(from, lastTo) <= 0) {
          merged.set(merged.size() - 1, new Range(last.from(), Keys.maxUpper(lastTo, r.to())));
          continue;
        }
      }
      merged.add(r);
    }
    return merged;
  }

  private static boolean covered(List<Range> sortedDisjoint, byte[] key) {
    int lo = 0;
    int hi = sortedDisjoint.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Range r = sortedDisjoint.get(mid);
      if (r.from() != null && Keys.compare(key, r.from()) < 0) {
        hi = mid - 1;
      } else if (r.to() != null && Keys.compare(key, r.to()) >= 0) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * A key range {@code [from, to)}; null means unbounded on that side.
   *
   * @param from inclusive start, or null
   * @param to exclusive end, or null
   */
  record Range(byte @Nullable [] from, byte @Nullable [] to) {
    static final Comparator<Range> BY_START =
        (a, b) -> {
          byte[] x = a.from();
          byte[] y = b.from();
          if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
          }
          return Keys.compare(x, y);
        };
  }

  /** One iterator positioning and the keys it went over since, growing as the iterator moves. */
  static final class Scan {
    private final byte @Nullable [] from;
    private final byte @Nullable [] bound;
    private byte @Nullable [] last;
    private boolean exhausted;

    private Scan(byte @Nullable [] from, byte @Nullable [] bound) {
      this.from = from;
      this.bound = bound;
    }

    /** The iterator returned {@code key}; {@code key} must not be modified afterwards. */
    void reached(byte[] key) {
      last = key;
    }

    /** The iterator ran out: everything up to the bound was seen. */
    void exhausted() {
      exhausted = true;
    }

    /** The range covered so far, or null when none. */
    @Nullable Range covered() {
      byte[] to;
      if (exhausted) {
        to = bound;
      } else if (last != null) {
        to = Keys.successor(last);
      } else {
        return null;
      }
      if (from != null && to != null && Keys.compare(from, to) >= 0) {
        return null;
      }
      return new Range(from, to);
    }
  }
}
