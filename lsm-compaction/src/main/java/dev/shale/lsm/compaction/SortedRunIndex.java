package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.FileShape;
import java.util.List;
import java.util.Set;

/**
 * Overlap queries on one level {@code >= 1}: its files are in key order and do not overlap, so the
 * files overlapping a key range are a contiguous slice found by binary search, and their bytes come
 * from prefix sums.
 */
final class SortedRunIndex {
  private final List<FileShape> files;
  private final long[] bytesBefore;

  SortedRunIndex(List<FileShape> files) {
    this.files = files;
    this.bytesBefore = new long[files.size() + 1];
    for (int i = 0; i < files.size(); i++) {
      bytesBefore[i + 1] = bytesBefore[i] + files.get(i).sizeBytes();
    }
  }

  List<FileShape> files() {
    return files;
  }

  /** Index of the first file whose largest key is {@code >= key}. */
  int firstEndingAtOrAfter(byte[] key) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).largestKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Index after the last file whose smallest key is {@code <= key}. */
  int endStartingAtOrBefore(byte[] key) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).smallestKey(), key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The files overlapping {@code range}. */
  List<FileShape> overlapping(KeyRange range) {
    int from = firstEndingAtOrAfter(range.smallest());
    int to = endStartingAtOrBefore(range.largest());
    return from < to ? files.subList(from, to) : List.of();
  }

  /** Bytes of the files overlapping {@code range}. */
  long overlappingBytes(KeyRange range) {
    int from = firstEndingAtOrAfter(range.smallest());
    int to = endStartingAtOrBefore(range.largest());
    return from < to ? bytesBefore[to] - bytesBefore[from] : 0;
  }

  /** Whether any file overlapping {@code range} is in {@code compacting}. */
  boolean anyOverlappingIn(KeyRange range, Set<Long> compacting) {
    if (compacting.isEmpty()) {
      return false;
    }
    for (FileShape file : overlapping(range)) {
      if (compacting.contains(file.fileId())) {
        return true;
      }
    }
    return false;
  }
}
