package dev.shale.lsm.tck.memtable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memtable written from the SPI's Javadoc alone, the way a plugin author would: a {@link
 * ConcurrentSkipListMap} of internal keys. The kit's own build runs the suite and the broken
 * wrappers of {@link BrokenMemtables} against it.
 */
final class ReferenceMemtableProvider implements MemtableProvider {

  @Override
  public String name() {
    return "reference-skiplist";
  }

  @Override
  public Set<MemtableCapability> capabilities() {
    return Set.of(
        MemtableCapability.CONCURRENT_INSERT, MemtableCapability.FAST_READS_WHILE_WRITING);
  }

  @Override
  public Memtable create(MemtableOptions options) {
    return new SkipListMemtable();
  }

  private record InternalKey(byte[] key, long sequence) {}

  private record Value(EntryKind kind, byte[] value) {}

  private static final Comparator<InternalKey> ORDER =
      (a, b) -> {
        int c = KeyOrder.compareKeys(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
      };

  private static final class SkipListMemtable implements Memtable {
    private final ConcurrentSkipListMap<InternalKey, Value> entries =
        new ConcurrentSkipListMap<>(ORDER);
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    @Override
    public void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      byte[] key = Arrays.copyOfRange(buffer, keyOffset, keyOffset + keyLength);
      byte[] value = Arrays.copyOfRange(buffer, valueOffset, valueOffset + valueLength);
      entries.put(new InternalKey(key, sequence), new Value(kind, value));
      bytes.addAndGet(keyLength + valueLength + 64L);
      count.incrementAndGet();
    }

    @Override
    public LookupResult get(byte[] key, long snapshot) {
      Map.Entry<InternalKey, Value> e = entries.ceilingEntry(new InternalKey(key, snapshot));
      if (e == null || KeyOrder.compareKeys(e.getKey().key(), key) != 0) {
        return null;
      }
      return new LookupResult(e.getValue().kind(), e.getKey().sequence(), e.getValue().value());
    }

    @Override
    public InternalIterator iterator() {
      return new Cursor(entries);
    }

    @Override
    public long approximateBytes() {
      return bytes.get();
    }

    @Override
    public long entryCount() {
      return count.get();
    }
  }

  private static final class Cursor implements InternalIterator {
    private final ConcurrentNavigableMap<InternalKey, Value> entries;
    private Iterator<Map.Entry<InternalKey, Value>> rest;
    private Map.Entry<InternalKey, Value> current;

    Cursor(ConcurrentNavigableMap<InternalKey, Value> entries) {
      this.entries = entries;
    }

    @Override
    public boolean isValid() {
      return current != null;
    }

    @Override
    public void seekToFirst() {
      position(entries.entrySet().iterator());
    }

    @Override
    public void seek(byte[] userKey, long sequence) {
      position(entries.tailMap(new InternalKey(userKey, sequence), true).entrySet().iterator());
    }

    private void position(Iterator<Map.Entry<InternalKey, Value>> it) {
      rest = it;
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public void next() {
      current = rest.hasNext() ? rest.next() : null;
    }

    @Override
    public byte[] key() {
      return current.getKey().key();
    }

    @Override
    public long sequence() {
      return current.getKey().sequence();
    }

    @Override
    public EntryKind kind() {
      return current.getValue().kind();
    }

    @Override
    public byte[] value() {
      return current.getValue().value();
    }

    @Override
    public void close() {
      current = null;
    }
  }
}
