package dev.shale.lsm.spi;

/**
 * The newest version of a key at or below a snapshot, as found by a memtable or SSTable: a value,
 * or a tombstone saying the key is deleted (and older sources must not be consulted).
 *
 * @param kind {@link EntryKind#PUT} or {@link EntryKind#DELETE}
 * @param sequence the version's sequence number
 * @param value the value for a put (empty for a tombstone); owned by the source: callers copy it
 *     before handing it to users
 */
@SuppressWarnings("ArrayRecordComponent") // value is a payload, never compared
public record LookupResult(EntryKind kind, long sequence, byte[] value) {
  private static final byte[] NONE = new byte[0];

  /** A tombstone at {@code sequence}. */
  public static LookupResult tombstone(long sequence) {
    return new LookupResult(EntryKind.DELETE, sequence, NONE);
  }

  /** Whether this version deletes the key. */
  public boolean isTombstone() {
    return kind == EntryKind.DELETE;
  }
}
