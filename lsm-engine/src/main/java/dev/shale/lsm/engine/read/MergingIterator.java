package dev.shale.lsm.engine.read;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.Sequences;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Merges internal iterators into one in internal-key order with a binary heap of the valid
 * children. Shows every version; hiding is {@link UserIterator}'s job. Closes its children.
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] children;
  private final int[] heap;
  private int size;

  public MergingIterator(List<? extends InternalIterator> children) {
    this.children = children.toArray(new InternalIterator[0]);
    this.heap = new int[this.children.length];
  }

  @Override
  public boolean isValid() {
    return size > 0;
  }

  @Override
  public void seekToFirst() {
    for (InternalIterator child : children) {
      child.seekToFirst();
    }
    rebuild();
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    for (InternalIterator child : children) {
      child.seek(userKey, sequence);
    }
    rebuild();
  }

  @Override
  public void next() {
    requireValid();
    InternalIterator top = children[heap[0]];
    top.next();
    if (top.isValid()) {
      siftDown(0);
    } else {
      heap[0] = heap[--size];
      if (size > 0) {
        siftDown(0);
      }
    }
  }

  @Override
  public byte[] key() {
    requireValid();
    return children[heap[0]].key();
  }

  @Override
  public long sequence() {
    requireValid();
    return children[heap[0]].sequence();
  }

  @Override
  public EntryKind kind() {
    requireValid();
    return children[heap[0]].kind();
  }

  @Override
  public byte[] value() {
    requireValid();
    return children[heap[0]].value();
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (InternalIterator child : children) {
      try {
        child.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    size = 0;
    if (first != null) {
      throw first;
    }
  }

  private void rebuild() {
    size = 0;
    for (int i = 0; i < children.length; i++) {
      if (children[i].isValid()) {
        heap[size++] = i;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private void siftDown(int at) {
    int i = at;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int smallest = left;
      int right = left + 1;
      if (right < size && less(heap[right], heap[left])) {
        smallest = right;
      }
      if (!less(heap[smallest], heap[i])) {
        return;
      }
      int tmp = heap[i];
      heap[i] = heap[smallest];
      heap[smallest] = tmp;
      i = smallest;
    }
  }

  private boolean less(int a, int b) {
    InternalIterator x = children[a];
    InternalIterator y = children[b];
    int c = KeyOrder.compareKeys(x.key(), y.key());
    if (c != 0) {
      return c < 0;
    }
    long tx = Sequences.trailer(x.sequence(), x.kind());
    long ty = Sequences.trailer(y.sequence(), y.kind());
    int t = Long.compareUnsigned(tx, ty);
    return t > 0 || (t == 0 && a < b);
  }

  private void requireValid() {
    if (size == 0) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
  }
}
