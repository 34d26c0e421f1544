package dev.shale.lsm.memtable.skiplist;

import dev.shale.lsm.memtable.arena.EntryLayout;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import org.jspecify.annotations.Nullable;

/**
 * Walks a {@link SkipListMemtable} at level 0. Entries added while it walks appear if they land
 * ahead of it. Key and value are copied out of the arenas on first access and kept until the next
 * move, so the arrays returned belong to the caller.
 */
final class SkipListIterator implements InternalIterator {
  private final SkipListMemtable list;
  private int node;
  private boolean closed;
  private byte @Nullable [] key;
  private byte @Nullable [] value;

  SkipListIterator(SkipListMemtable list) {
    this.list = list;
  }

  @Override
  public boolean isValid() {
    return node != 0;
  }

  @Override
  public void seekToFirst() {
    moveTo(list.next(SkipListMemtable.HEAD));
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    moveTo(list.seek(userKey, EntryLayout.probeTrailer(sequence)));
  }

  @Override
  public void next() {
    requireValid();
    moveTo(list.next(node));
  }

  private void moveTo(int target) {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
    node = target;
    key = null;
    value = null;
  }

  @Override
  public byte[] key() {
    requireValid();
    byte[] k = key;
    if (k == null) {
      k = list.key(node);
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
    return list.trailer(node);
  }

  @Override
  public byte[] value() {
    requireValid();
    byte[] v = value;
    if (v == null) {
      v = list.value(node);
      value = v;
    }
    return v;
  }

  private void requireValid() {
    if (node == 0) {
      throw new IllegalStateException(
          closed ? "iterator is closed" : "iterator is not positioned on an entry");
    }
  }

  @Override
  public void close() {
    closed = true;
    node = 0;
    key = null;
    value = null;
  }
}
