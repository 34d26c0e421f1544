package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.Sequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The reference model of a table: its entries in internal-key order, in a {@link TreeSet}. */
final class TableModel {
  /** One internal entry. */
  @SuppressWarnings("ArrayRecordComponent")
  record Entry(byte[] key, long sequence, EntryKind kind, byte[] value) {
    @Override
    public String toString() {
      return HexFormat.of().formatHex(key)
          + "@"
          + sequence
          + " "
          + kind
          + " ("
          + value.length
          + " bytes)";
    }
  }

  /** User key ascending, then sequence descending. */
  static final Comparator<Entry> INTERNAL_ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
      };

  private static final byte[] EMPTY = new byte[0];

  private final NavigableSet<Entry> entries = new TreeSet<>(INTERNAL_ORDER);

  /** Adds an entry unless one with the same key and sequence exists; tombstones get no value. */
  void add(byte[] key, long sequence, EntryKind kind, byte[] value) {
    entries.add(new Entry(key, sequence, kind, kind == EntryKind.DELETE ? EMPTY : value));
  }

  List<Entry> entries() {
    return new ArrayList<>(entries);
  }

  int size() {
    return entries.size();
  }

  /** The newest version of {@code key} with a sequence at or below {@code snapshot}. */
  @Nullable Entry get(byte[] key, long snapshot) {
    Entry e = seek(key, snapshot);
    return e != null && Arrays.equals(e.key(), key) ? e : null;
  }

  /** The first entry at or after the internal key {@code (key, sequence)}. */
  @Nullable Entry seek(byte[] key, long sequence) {
    return entries.ceiling(new Entry(key, sequence, EntryKind.PUT, EMPTY));
  }

  /** The distinct user keys, ascending. */
  List<byte[]> userKeys() {
    List<byte[]> keys = new ArrayList<>();
    for (Entry e : entries) {
      if (keys.isEmpty() || !Arrays.equals(keys.get(keys.size() - 1), e.key())) {
        keys.add(e.key());
      }
    }
    return keys;
  }

  /** Every sequence in the model plus its neighbours and the extremes: snapshots worth reading. */
  List<Long> interestingSnapshots() {
    TreeSet<Long> s = new TreeSet<>();
    s.add(0L);
    s.add(Sequences.MAX_SEQUENCE);
    for (Entry e : entries) {
      s.add(e.sequence());
      if (e.sequence() > 0) {
        s.add(e.sequence() - 1);
      }
      if (e.sequence() < Sequences.MAX_SEQUENCE) {
        s.add(e.sequence() + 1);
      }
    }
    return new ArrayList<>(s);
  }
}
