package dev.shale.lsm.spi.sstable;

import dev.shale.lsm.spi.EntryKind;
import java.io.IOException;

/** Writes one table, entry by entry in internal-key order. Not thread-safe. */
public interface SSTableWriter extends AutoCloseable {

  /**
   * Adds an entry. Entries must come in strictly increasing internal-key order (user key ascending,
   * sequence descending); the arrays are not kept.
   *
   * @throws IllegalArgumentException when out of order
   */
  void add(byte[] key, long sequence, EntryKind kind, byte[] value) throws IOException;

  /** Entries added so far. */
  long entryCount();

  /** The file size if finished now (approximate): used to split outputs at a target size. */
  long estimatedFileSize();

  /**
   * Writes what remains (last data block, filter, index, properties, footer) and flushes the
   * output, which the caller then syncs and closes.
   *
   * @throws IllegalStateException when no entry was added (empty tables are not written)
   */
  TableProperties finish() throws IOException;

  /** Releases buffers; abandons the table if not finished (the caller deletes the file). */
  @Override
  void close();
}
