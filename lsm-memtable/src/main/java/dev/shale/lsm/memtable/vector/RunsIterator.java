package dev.shale.lsm.memtable.vector;

import dev.shale.lsm.memtable.arena.Arena;
import dev.shale.lsm.memtable.arena.EntryLayout;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import org.jspecify.annotations.Nullable;

/**
 * Merges the sorted runs of one {@link SortedRuns} with a binary heap of run cursors. The runs are
 * immutable, so the view is fixed when the iterator is made, whatever is added afterwards. Key and
 * value are copied out of the arena on first access and kept until the next move.
 */
final class RunsIterator implements InternalIterator {
  private final Arena arena;
  private final int[][] runs;
  private final int[] positions;
  private final int[] heap;
  private int heapSize;
  private int current;
  private boolean closed;
  private byte @Nullable [] key;
  private byte @Nullable [] value;

  RunsIterator(Arena arena, int[][] runs) {
    this.arena = arena;
    this.runs = runs;
    this.positions = new int[runs.length];
    this.heap = new int[runs.length];
  }

  @Override
  public boolean isValid() {
    return current != 0;
  }

  @Override
  public void seekToFirst() {
    checkOpen();
    for (int r = 0; r < runs.length; r++) {
      positions[r] = 0;
    }
    rebuild();
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    checkOpen();
    long trailer = EntryLayout.probeTrailer(sequence);
    for (int r = 0; r < runs.length; r++) {
      positions[r] = AddressOrder.lowerBound(runs[r], userKey, trailer, arena);
    }
    rebuild();
  }

  @Override
  public void next() {
    requireValid();
    int r = heap[0];
    if (++positions[r] == runs[r].length) {
      heap[0] = heap[--heapSize];
    }
    siftDown(0);
    settle();
  }

  private void rebuild() {
    heapSize = 0;
    for (int r = 0; r < runs.length; r++) {
      if (positions[r] < runs[r].length) {
        heap[heapSize++] = r;
      }
    }
    for (int i = heapSize / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
    settle();
  }

  private void settle() {
    current = heapSize == 0 ? 0 : runs[heap[0]][positions[heap[0]]];
    key = null;
    value = null;
  }

  private void siftDown(int i) {
    while (true) {
      int smallest = i;
      int left = 2 * i + 1;
      int right = left + 1;
      if (left < heapSize && less(heap[left], heap[smallest])) {
        smallest = left;
      }
      if (right < heapSize && less(heap[right], heap[smallest])) {
        smallest = right;
      }
      if (smallest == i) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[smallest];
      heap[smallest] = t;
      i = smallest;
    }
  }

  private boolean less(int runA, int runB) {
    return AddressOrder.compare(arena, runs[runA][positions[runA]], runs[runB][positions[runB]])
        < 0;
  }

  @Override
  public byte[] key() {
    requireValid();
    byte[] k = key;
    if (k == null) {
      k = EntryLayout.copyKey(arena.chunk(current), arena.offset(current));
      key = k;
    }
    return k;
  }

  @Override
  public long sequence() {
    return EntryLayout.sequence(trailer());
  }

  @Override
  public EntryKind kind() {
    return EntryLayout.kind(trailer());
  }

  private long trailer() {
    requireValid();
    return EntryLayout.trailer(arena.chunk(current), arena.offset(current));
  }

  @Override
  public byte[] value() {
    requireValid();
    byte[] v = value;
    if (v == null) {
      v = EntryLayout.copyValue(arena.chunk(current), arena.offset(current));
      value = v;
    }
    return v;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
  }

  private void requireValid() {
    if (current == 0) {
      throw new IllegalStateException(
          closed ? "iterator is closed" : "iterator is not positioned on an entry");
    }
  }

  @Override
  public void close() {
    closed = true;
    current = 0;
    heapSize = 0;
    key = null;
    value = null;
  }
}
