package dev.shale.lsm.spi.memtable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import org.jspecify.annotations.Nullable;

/**
 * A sorted in-memory buffer of internal entries (user key, sequence, kind, value). Entries are only
 * added, never removed or replaced; the engine never adds two entries with the same user key and
 * sequence number.
 *
 * <p>Threading: {@link #get}, {@link #iterator} and the size methods may run concurrently with each
 * other and with {@link #add}. {@code add} itself may be called concurrently only when the provider
 * declares {@link MemtableCapability#CONCURRENT_INSERT}. After {@link #freeze()} no more adds come.
 *
 * <p>Visibility: an entry whose {@code add} returned before a {@code get} or {@code iterator} call
 * began is seen by it; entries added later may or may not be (the engine filters by sequence).
 */
public interface Memtable {

  /**
   * Adds one entry, copying the key and value out of {@code buffer} (the caller reuses it, so the
   * memtable must not keep a reference to it).
   *
   * @param sequence the entry's sequence number, from 0 to {@link
   *     dev.shale.lsm.spi.Sequences#MAX_SEQUENCE}, unique for its user key
   * @param kind what the entry is: {@link EntryKind#DELETE} entries are tombstones, which the
   *     engine always adds with {@code valueLength} 0; a {@link EntryKind#PUT} with {@code
   *     valueLength} 0 is an empty value, not a tombstone, and must be returned as such
   * @param buffer holds the key and the value
   * @param keyOffset where the user key starts in {@code buffer}
   * @param keyLength the user key's length (0 allowed)
   * @param valueOffset where the value starts in {@code buffer}
   * @param valueLength the value's length (0 for a tombstone or an empty value)
   */
  void add(
      long sequence,
      EntryKind kind,
      byte[] buffer,
      int keyOffset,
      int keyLength,
      int valueOffset,
      int valueLength);

  /**
   * The newest entry for {@code key} with a sequence {@code <= snapshot}, or null when there is
   * none. A tombstone is returned as such (it hides older sources).
   */
  @Nullable LookupResult get(byte[] key, long snapshot);

  /**
   * A new iterator over all entries in internal-key order, independent of any other iterator. It
   * sees every entry whose add returned before it was created; while adds continue it stays in
   * order (it may or may not show the new entries).
   */
  InternalIterator iterator();

  /**
   * Approximate memory held, in bytes, keys, values and index overhead included: at least the bytes
   * of every key and value added plus 8 per entry (the trailer of sequence and kind), and never
   * decreasing. The engine freezes the memtable when this reaches its limit, so an estimate below
   * the real use would overfill the heap.
   */
  long approximateBytes();

  /**
   * Entries added: exactly the number of {@link #add} calls that returned, also while adds run on
   * many threads under {@link MemtableCapability#CONCURRENT_INSERT} (none may be lost).
   */
  long entryCount();

  /**
   * Announces that no more entries will be added (the memtable is about to be flushed). An
   * implementation may use it to sort or compact, but reads return the same afterwards; the default
   * does nothing.
   */
  default void freeze() {}
}
