package dev.shale.lsm.memtable.vector;

import dev.shale.lsm.memtable.arena.Arena;
import java.util.Arrays;

/**
 * An immutable index over the first {@link #covered()} entries of a {@link VectorMemtable}: sorted
 * runs of arena addresses. Runs are merged log-structured (each run more than twice the size of the
 * next), so there are at most log2(n) of them and each entry is merged O(log n) times in all. Never
 * mutated once built, which is what gives iterators a stable view while adds go on.
 */
final class SortedRuns {
  static final SortedRuns EMPTY = new SortedRuns(new int[0][], 0);

  private final int[][] runs;
  private final int covered;

  private SortedRuns(int[][] runs, int covered) {
    this.runs = runs;
    this.covered = covered;
  }

  /** How many entries, in append order from the first, these runs hold. */
  int covered() {
    return covered;
  }

  /** The runs; callers must not modify them. */
  int[][] runs() {
    return runs;
  }

  /** These runs plus a sorted {@code run} of the next entries, merged to keep the size rule. */
  SortedRuns with(int[] run, Arena arena) {
    int[][] next = Arrays.copyOf(runs, runs.length + 1);
    next[runs.length] = run;
    int k = next.length;
    while (k >= 2 && next[k - 2].length <= 2 * next[k - 1].length) {
      next[k - 2] = AddressOrder.merge(next[k - 2], next[k - 1], arena);
      k--;
    }
    return new SortedRuns(k == next.length ? next : Arrays.copyOf(next, k), covered + run.length);
  }

  /** The same entries in a single run. */
  SortedRuns mergedIntoOne(Arena arena) {
    if (runs.length <= 1) {
      return this;
    }
    int[] all = runs[runs.length - 1];
    for (int i = runs.length - 2; i >= 0; i--) {
      all = AddressOrder.merge(runs[i], all, arena);
    }
    return new SortedRuns(new int[][] {all}, covered);
  }

  /** Heap bytes held by the runs. */
  long bytes() {
    long bytes = 16L + 4L * runs.length;
    for (int[] run : runs) {
      bytes += 16L + 4L * run.length;
    }
    return bytes;
  }
}
