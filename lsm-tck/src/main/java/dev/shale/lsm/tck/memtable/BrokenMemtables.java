package dev.shale.lsm.tck.memtable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableCapability;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken memtables, each wrapping a working provider and breaking one rule, so that
 * anyone can check that {@link MemtableConformanceTest} still catches that bug: extend the suite
 * with {@code provider()} returning, say, {@code BrokenMemtables.lostTombstones(new MyProvider())},
 * run it, and expect failures.
 *
 * <p>The wrappers are as thread-safe as the memtables they wrap, and declare the same capabilities
 * and a name derived from the wrapped provider's.
 */
public final class BrokenMemtables {
  private BrokenMemtables() {}

  /** Iterates the versions of each user key oldest first instead of newest first. */
  public static MemtableProvider oldestVersionFirst(MemtableProvider provider) {
    return wrap(provider, "oldest-first", OldestFirst::new);
  }

  /** Drops every tombstone: deletes are silently lost. */
  public static MemtableProvider lostTombstones(MemtableProvider provider) {
    return wrap(provider, "lost-tombstones", LostTombstones::new);
  }

  /** Ignores the snapshot of {@code get}: always returns the newest version. */
  public static MemtableProvider ignoresSnapshot(MemtableProvider provider) {
    return wrap(provider, "ignores-snapshot", IgnoresSnapshot::new);
  }

  /**
   * Keeps a reference to the caller's buffer instead of copying key and value: reads return
   * whatever the caller has since written there.
   */
  public static MemtableProvider keepsCallerBuffer(MemtableProvider provider) {
    return wrap(provider, "keeps-caller-buffer", KeepsCallerBuffer::new);
  }

  /**
   * Counts entries in a plain {@code long} ({@code count++}): with {@link
   * MemtableCapability#CONCURRENT_INSERT} concurrent adds lose increments, so {@code entryCount}
   * falls short of the adds that returned.
   */
  public static MemtableProvider racyEntryCount(MemtableProvider provider) {
    return wrap(provider, "racy-entry-count", RacyEntryCount::new);
  }

  private static MemtableProvider wrap(
      MemtableProvider provider, String flaw, Function<Memtable, Memtable> breaker) {
    String name = provider.name() + "-" + flaw;
    return new MemtableProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<MemtableCapability> capabilities() {
        return provider.capabilities();
      }

      @Override
      public Memtable create(MemtableOptions options) {
        return breaker.apply(provider.create(options));
      }
    };
  }

  /** Forwards everything to the wrapped memtable. */
  private static class Forwarding implements Memtable {
    final Memtable delegate;

    Forwarding(Memtable delegate) {
      this.delegate = delegate;
    }

    @Override
    public void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      delegate.add(sequence, kind, buffer, keyOffset, keyLength, valueOffset, valueLength);
    }

    @Override
    public @Nullable LookupResult get(byte[] key, long snapshot) {
      return delegate.get(key, snapshot);
    }

    @Override
    public InternalIterator iterator() {
      return delegate.iterator();
    }

    @Override
    public long approximateBytes() {
      return delegate.approximateBytes();
    }

    @Override
    public long entryCount() {
      return delegate.entryCount();
    }

    @Override
    public void freeze() {
      delegate.freeze();
    }
  }

  private static final class RacyEntryCount extends Forwarding {
    private long count; // the bug: a plain field, incremented without synchronisation

    RacyEntryCount(Memtable delegate) {
      super(delegate);
    }

    @Override
    public void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      delegate.add(sequence, kind, buffer, keyOffset, keyLength, valueOffset, valueLength);
      count++;
    }

    @Override
    public long entryCount() {
      return count;
    }
  }

  private static final class LostTombstones extends Forwarding {
    LostTombstones(Memtable delegate) {
      super(delegate);
    }

    @Override
    public void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      if (kind != EntryKind.DELETE) {
        super.add(sequence, kind, buffer, keyOffset, keyLength, valueOffset, valueLength);
      }
    }
  }

  private static final class IgnoresSnapshot extends Forwarding {
    IgnoresSnapshot(Memtable delegate) {
      super(delegate);
    }

    @Override
    public @Nullable LookupResult get(byte[] key, long snapshot) {
      return super.get(key, Sequences.MAX_SEQUENCE);
    }
  }

  /** Reads every entry when the iterator is made, then reverses each key's versions. */
  private static final class OldestFirst extends Forwarding {
    OldestFirst(Memtable delegate) {
      super(delegate);
    }

    @Override
    public InternalIterator iterator() {
      List<Version> all = new ArrayList<>();
      try (InternalIterator it = delegate.iterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          all.add(new Version(it.key(), it.sequence(), it.kind(), it.value()));
        }
      }
      List<Version> reordered = new ArrayList<>(all.size());
      int start = 0;
      while (start < all.size()) {
        int end = start + 1;
        while (end < all.size() && Arrays.equals(all.get(end).key(), all.get(start).key())) {
          end++;
        }
        for (int i = end - 1; i >= start; i--) {
          reordered.add(all.get(i));
        }
        start = end;
      }
      return new ListIterator(reordered);
    }
  }

  private static final class KeepsCallerBuffer extends Forwarding {
    /** Where each entry's bytes were in the caller's buffer, by key (hex) and sequence. */
    private final Map<String, Slice> slices = new ConcurrentHashMap<>();

    KeepsCallerBuffer(Memtable delegate) {
      super(delegate);
    }

    @SuppressWarnings("ArrayRecordComponent") // the aliasing is the point; never compared
    private record Slice(
        byte[] buffer, int keyOffset, int keyLength, int valueOffset, int valueLength) {
      byte[] key() {
        return Arrays.copyOfRange(buffer, keyOffset, keyOffset + keyLength);
      }

      byte[] value() {
        return Arrays.copyOfRange(buffer, valueOffset, valueOffset + valueLength);
      }
    }

    private static String id(byte[] key, long sequence) {
      return HexFormat.of().formatHex(key) + "@" + sequence;
    }

    @Override
    public void add(
        long sequence,
        EntryKind kind,
        byte[] buffer,
        int keyOffset,
        int keyLength,
        int valueOffset,
        int valueLength) {
      super.add(sequence, kind, buffer, keyOffset, keyLength, valueOffset, valueLength);
      byte[] key = Arrays.copyOfRange(buffer, keyOffset, keyOffset + keyLength);
      slices.put(
          id(key, sequence), new Slice(buffer, keyOffset, keyLength, valueOffset, valueLength));
    }

    @Override
    public @Nullable LookupResult get(byte[] key, long snapshot) {
      LookupResult r = super.get(key, snapshot);
      Slice slice = r == null ? null : slices.get(id(key, r.sequence()));
      if (r == null || slice == null) {
        return r;
      }
      return new LookupResult(r.kind(), r.sequence(), slice.value());
    }

    @Override
    public InternalIterator iterator() {
      InternalIterator it = super.iterator();
      return new InternalIterator() {
        @Override
        public boolean isValid() {
          return it.isValid();
        }

        @Override
        public void seekToFirst() {
          it.seekToFirst();
        }

        @Override
        public void seek(byte[] userKey, long sequence) {
          it.seek(userKey, sequence);
        }

        @Override
        public void next() {
          it.next();
        }

        private @Nullable Slice slice() {
          return slices.get(id(it.key(), it.sequence()));
        }

        @Override
        public byte[] key() {
          Slice slice = slice();
          return slice == null ? it.key() : slice.key();
        }

        @Override
        public long sequence() {
          return it.sequence();
        }

        @Override
        public EntryKind kind() {
          return it.kind();
        }

        @Override
        public byte[] value() {
          Slice slice = slice();
          return slice == null ? it.value() : slice.value();
        }

        @Override
        public void close() {
          it.close();
        }
      };
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // a snapshot of one entry, never compared
  private record Version(byte[] key, long sequence, EntryKind kind, byte[] value) {}

  /** Iterates a fixed list; seek finds the first listed entry at or after the target. */
  private static final class ListIterator implements InternalIterator {
    private final List<Version> versions;
    private int position;

    ListIterator(List<Version> versions) {
      this.versions = versions;
      this.position = versions.size();
    }

    @Override
    public boolean isValid() {
      return position < versions.size();
    }

    @Override
    public void seekToFirst() {
      position = 0;
    }

    @Override
    public void seek(byte[] userKey, long sequence) {
      position = 0;
      while (position < versions.size()) {
        Version v = versions.get(position);
        int c = Arrays.compareUnsigned(v.key(), userKey);
        if (c > 0 || (c == 0 && v.sequence() <= sequence)) {
          return;
        }
        position++;
      }
    }

    @Override
    public void next() {
      if (!isValid()) {
        throw new IllegalStateException("not positioned on an entry");
      }
      position++;
    }

    private Version current() {
      if (!isValid()) {
        throw new IllegalStateException("not positioned on an entry");
      }
      return versions.get(position);
    }

    @Override
    public byte[] key() {
      return current().key();
    }

    @Override
    public long sequence() {
      return current().sequence();
    }

    @Override
    public EntryKind kind() {
      return current().kind();
    }

    @Override
    public byte[] value() {
      return current().value();
    }

    @Override
    public void close() {
      position = versions.size();
    }
  }
}
