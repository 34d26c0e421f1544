package dev.shale.lsm.memtable.vector;

import dev.shale.lsm.memtable.arena.Arena;
import dev.shale.lsm.memtable.arena.EntryLayout;

/**
 * Sorting, merging and searching arrays of arena addresses by the internal key of the entry each
 * address points at, without copying or allocating per entry.
 */
final class AddressOrder {
  private static final int INSERTION_SORT_MAX = 16;

  private AddressOrder() {}

  static int compare(Arena arena, int a, int b) {
    return EntryLayout.compare(arena.chunk(a), arena.offset(a), arena.chunk(b), arena.offset(b));
  }

  /**
   * Sorts {@code addresses} in place: a merge sort that skips merging halves already in order, so a
   * bulk load that arrives sorted costs only n comparisons.
   */
  static void sort(int[] addresses, Arena arena) {
    if (addresses.length < 2) {
      return;
    }
    int[] aux = addresses.clone();
    sort(aux, addresses, 0, addresses.length, arena);
  }

  /** Sorts {@code src[lo, hi)} into {@code dst[lo, hi)}; both hold the same values on entry. */
  private static void sort(int[] src, int[] dst, int lo, int hi, Arena arena) {
    if (hi - lo <= INSERTION_SORT_MAX) {
      for (int i = lo + 1; i < hi; i++) {
        int x = dst[i];
        int j = i - 1;
        while (j >= lo && compare(arena, dst[j], x) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = x;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    sort(dst, src, lo, mid, arena);
    sort(dst, src, mid, hi, arena);
    if (compare(arena, src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, lo, dst, lo, hi - lo);
      return;
    }
    for (int i = lo, p = lo, q = mid; i < hi; i++) {
      if (q >= hi || (p < mid && compare(arena, src[p], src[q]) <= 0)) {
        dst[i] = src[p++];
      } else {
        dst[i] = src[q++];
      }
    }
  }

  /** A new sorted array holding both sorted arrays. */
  static int[] merge(int[] a, int[] b, Arena arena) {
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int o = 0;
    while (i < a.length && j < b.length) {
      out[o++] = compare(arena, a[i], b[j]) <= 0 ? a[i++] : b[j++];
    }
    System.arraycopy(a, i, out, o, a.length - i);
    o += a.length - i;
    System.arraycopy(b, j, out, o, b.length - j);
    return out;
  }

  /** The first index of sorted {@code run} whose entry is at or after {@code (key, trailer)}. */
  static int lowerBound(int[] run, byte[] key, long trailer, Arena arena) {
    int lo = 0;
    int hi = run.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int address = run[mid];
      if (EntryLayout.compareTo(arena.chunk(address), arena.offset(address), key, trailer) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
