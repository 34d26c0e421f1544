package dev.shale.lsm.engine.read;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.Sequences;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An internal iterator over a list of entries, for tests. */
final class ListIterator implements InternalIterator {
  record Entry(byte[] key, long sequence, EntryKind kind, byte[] value) {}

  static final Comparator<Entry> ORDER =
      (a, b) ->
          KeyOrder.compareInternal(
              a.key(),
              Sequences.trailer(a.sequence(), a.kind()),
              b.key(),
              Sequences.trailer(b.sequence(), b.kind()));

  private final List<Entry> entries;
  private int at = Integer.MAX_VALUE;
  boolean closed;

  ListIterator(List<Entry> entries) {
    this.entries = new ArrayList<>(entries);
    this.entries.sort(ORDER);
  }

  @Override
  public boolean isValid() {
    return at < entries.size();
  }

  @Override
  public void seekToFirst() {
    at = 0;
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    at = 0;
    Entry target = new Entry(userKey, sequence, EntryKind.PUT, new byte[0]);
    while (at < entries.size() && ORDER.compare(entries.get(at), target) < 0) {
      at++;
    }
  }

  @Override
  public void next() {
    at++;
  }

  @Override
  public byte[] key() {
    return entries.get(at).key();
  }

  @Override
  public long sequence() {
    return entries.get(at).sequence();
  }

  @Override
  public EntryKind kind() {
    return entries.get(at).kind();
  }

  @Override
  public byte[] value() {
    return entries.get(at).value();
  }

  @Override
  public void close() {
    closed = true;
  }
}
