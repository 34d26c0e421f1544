package dev.shale.lsm.spi.sstable;

import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An open table. Thread-safe: any number of gets and iterators at once. Read failures surface as
 * unchecked {@code CorruptionException} (naming file and offset) or {@code StorageIOException}.
 */
public interface SSTableReader extends AutoCloseable {

  /** What the table holds. */
  TableProperties properties();

  /** The id given in {@link TableReaderOptions#fileId()}. */
  long fileId();

  /**
   * The newest entry for {@code key} with a sequence {@code <= snapshot}, or null. Consults the
   * filter before reading a data block.
   */
  @Nullable LookupResult get(byte[] key, long snapshot);

  /** False only when the table certainly has no entry for {@code key}. */
  boolean mayContain(byte[] key);

  /**
   * An iterator over every entry.
   *
   * @param fillCache whether blocks it loads are added to the block cache
   */
  InternalIterator iterator(boolean fillCache);

  /**
   * Reads every byte of the file and checks every checksum and structural invariant, reporting
   * bytes checked so far to {@code progress}.
   *
   * @throws dev.shale.lsm.api.CorruptionException naming the file and offset of the first damage
   */
  void verify(LongConsumer progress);

  /** The data blocks as the index lists them, for inspection tools. */
  List<BlockInfo> dataBlocks();

  /** The file's size in bytes. */
  long fileSize();

  /** Closes the file and drops its cached blocks. Idempotent. */
  @Override
  void close();

  /**
   * One data block as listed in the index.
   *
   * @param separatorKey a key {@code >=} every user key in the block and {@code <} every key in the
   *     next one
   * @param offset the block's position in the file
   * @param sizeBytes its stored size (compressed, with its trailer)
   */
  @SuppressWarnings("ArrayRecordComponent")
  record BlockInfo(byte[] separatorKey, long offset, int sizeBytes) {}
}
