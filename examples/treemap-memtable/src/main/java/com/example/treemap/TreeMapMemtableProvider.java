package com.example.treemap;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A memtable on a {@link TreeMap} under one lock: the simplest correct memtable. It declares no
 * {@link MemtableCapability#CONCURRENT_INSERT}, so the engine serializes its adds; readers take the
 * lock too. Iterators read a copy taken when they are positioned.
 */
public final class TreeMapMemtableProvider implements MemtableProvider {

  /** Constructed by {@link java.util.ServiceLoader}. */
  public TreeMapMemtableProvider() {}

  @Override
  public String name() {
    return "example-treemap";
  }

  @Override
  public Set<MemtableCapability> capabilities() {
    return Set.of();
  }

  @Override
  public Memtable create(MemtableOptions options) {
    return new TreeMapMemtable();
  }

  private record InternalKey(byte[] key, long sequence) {}

  private record Entry(InternalKey key, EntryKind kind, byte[] value) {}

  /** User key ascending, then sequence descending: the order of {@link InternalIterator}. */
  private static final Comparator<InternalKey> ORDER =
      (a, b) -> {
        int c = KeyOrder.compareKeys(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
      };

  private static final class TreeMapMemtable implements Memtable {
    private final TreeMap<InternalKey, Entry> entries = new TreeMap<>(ORDER);
    private long bytes;

    @Override
    public synchronized void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      InternalKey key =
          new InternalKey(Arrays.copyOfRange(buffer, keyOffset, keyOffset + keyLength), sequence);
      byte[] value = Arrays.copyOfRange(buffer, valueOffset, valueOffset + valueLength);
      entries.put(key, new Entry(key, kind, value));
      bytes += keyLength + valueLength + 64;
    }

    @Override
    public synchronized LookupResult get(byte[] key, long snapshot) {
      Map.Entry<InternalKey, Entry> e = entries.ceilingEntry(new InternalKey(key, snapshot));
      if (e == null || KeyOrder.compareKeys(e.getKey().key(), key) != 0) {
        return null;
      }
      return new LookupResult(e.getValue().kind(), e.getKey().sequence(), e.getValue().value());
    }

    @Override
    public InternalIterator iterator() {
      return new SnapshotIterator(this);
    }

    synchronized List<Entry> from(InternalKey start) {
      return new ArrayList<>(
          (start == null ? entries : entries.tailMap(start, true)).values());
    }

    @Override
    public synchronized long approximateBytes() {
      return bytes;
    }

    @Override
    public synchronized long entryCount() {
      return entries.size();
    }
  }

  private static final class SnapshotIterator implements InternalIterator {
    private final TreeMapMemtable table;
    private List<Entry> entries = List.of();
    private int position;

    SnapshotIterator(TreeMapMemtable table) {
      this.table = table;
    }

    @Override
    public boolean isValid() {
      return position < entries.size();
    }

    @Override
    public void seekToFirst() {
      entries = table.from(null);
      position = 0;
    }

    @Override
    public void seek(byte[] userKey, long sequence) {
      entries = table.from(new InternalKey(userKey, sequence));
      position = 0;
    }

    @Override
    public void next() {
      position++;
    }

    @Override
    public byte[] key() {
      return entries.get(position).key().key();
    }

    @Override
    public long sequence() {
      return entries.get(position).key().sequence();
    }

    @Override
    public EntryKind kind() {
      return entries.get(position).kind();
    }

    @Override
    public byte[] value() {
      return entries.get(position).value();
    }

    @Override
    public void close() {
      entries = List.of();
    }
  }
}
