package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableProperties;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The integrity check of one open table: reads every byte of the file in order (never from the
 * cache), checks every checksum, and checks what checksums cannot: key order within and across
 * blocks, separators between blocks, no filter false negatives, and properties that match the
 * entries. One use, one thread.
 */
final class TableVerifier {
  private final BlockTableReader reader;
  private final LongConsumer progress;
  private final String file;
  private final IndexBlock index;
  private long checked;

  private byte[] previousKey = new byte[64];
  private int previousKeyLength = -1;
  private long previousTrailer;
  private byte[] smallestKey = new byte[0];
  private long entries;
  private long tombstones;
  private long rawKeyBytes;
  private long rawValueBytes;
  private long smallestSequence = Long.MAX_VALUE;
  private long largestSequence = -1;

  TableVerifier(BlockTableReader reader, LongConsumer progress) {
    this.reader = reader;
    this.progress = progress;
    this.file = reader.file();
    this.index = reader.index();
  }

  void run() throws IOException {
    RandomAccessInput input = reader.input();
    TableFileHeader header = TableFileHeader.read(input);
    if (!header.equals(reader.header())) {
      throw new CorruptionException(file, 0, "header changed since the table was opened");
    }
    advance(header.length());
    BlockCursor cursor = null;
    for (int i = 0; i < index.count(); i++) {
      DataBlock block = reader.readBlockForVerify(i);
      if (cursor == null) {
        cursor = new BlockCursor(block);
      } else {
        cursor.reset(block);
      }
      checkBlock(i, cursor);
      advance(index.size(i) + BlockCodec.TRAILER_BYTES);
    }
    TableFooter footer = reader.footer();
    if (footer.filterSize() > 0) {
      byte[] stored =
          BlockCodec.readChecked(input, footer.filterOffset(), footer.filterSize(), "filter block");
      BloomFilter.parse(stored, 0, footer.filterSize(), file, footer.filterOffset());
      advance(footer.filterSize() + BlockCodec.TRAILER_BYTES);
    }
    byte[] indexStored =
        BlockCodec.readChecked(input, footer.indexOffset(), footer.indexSize(), "index block");
    IndexBlock.parse(
        indexStored,
        footer.indexSize(),
        file,
        footer.indexOffset(),
        header.length(),
        footer.filterOffset());
    advance(footer.indexSize() + BlockCodec.TRAILER_BYTES);
    byte[] propsStored =
        BlockCodec.readChecked(
            input, footer.propertiesOffset(), footer.propertiesSize(), "properties block");
    TableProperties stored =
        PropertiesBlock.decode(
            propsStored, footer.propertiesSize(), file, footer.propertiesOffset());
    checkProperties(stored, footer.propertiesOffset());
    advance(footer.propertiesSize() + BlockCodec.TRAILER_BYTES);
    long footerAt = reader.fileSize() - TableFooter.SIZE;
    byte[] footerBytes = new byte[TableFooter.SIZE];
    try {
      input.readFully(footerAt, footerBytes, 0, TableFooter.SIZE);
    } catch (EOFException e) {
      throw new CorruptionException(file, footerAt, "file ends before its footer", e);
    }
    if (!TableFooter.decode(footerBytes, file, footerAt).equals(footer)) {
      throw new CorruptionException(file, footerAt, "footer changed since the table was opened");
    }
    advance(TableFooter.SIZE);
  }

  private void advance(long bytes) {
    checked += bytes;
    progress.accept(checked);
  }

  private void checkBlock(int i, BlockCursor cursor) {
    long offset = index.offset(i);
    boolean first = true;
    BloomFilter filter = reader.filter();
    while (cursor.hasNext()) {
      cursor.advance();
      byte[] key = cursor.keyBuffer();
      int length = cursor.keyLength();
      long trailer = cursor.trailer();
      boolean newUserKey = true;
      if (previousKeyLength >= 0) {
        int c = Arrays.compareUnsigned(previousKey, 0, previousKeyLength, key, 0, length);
        if (c > 0 || (c == 0 && Long.compareUnsigned(trailer, previousTrailer) >= 0)) {
          throw new CorruptionException(file, offset, "keys out of order in data block " + i);
        }
        newUserKey = c != 0;
      } else {
        smallestKey = Arrays.copyOf(key, length);
      }
      if (first && i > 0 && index.compareSeparator(i - 1, key, length, trailer) >= 0) {
        throw new CorruptionException(
            file, offset, "data block " + i + " starts at or before the separator before it");
      }
      first = false;
      if (newUserKey && filter != null && !filter.mayContain(XxHash64.hash(key, 0, length, 0))) {
        throw new CorruptionException(
            file, offset, "the filter misses a key of data block " + i + ": filter damaged");
      }
      entries++;
      if ((trailer & 0xFF) == EntryKind.DELETE.code()) {
        tombstones++;
      }
      rawKeyBytes += length;
      rawValueBytes += cursor.valueLength();
      long sequence = trailer >>> 8;
      smallestSequence = Math.min(smallestSequence, sequence);
      largestSequence = Math.max(largestSequence, sequence);
      if (previousKey.length < length) {
        previousKey = new byte[Math.max(length, previousKey.length * 2)];
      }
      System.arraycopy(key, 0, previousKey, 0, length);
      previousKeyLength = length;
      previousTrailer = trailer;
    }
    if (index.compareSeparator(i, previousKey, previousKeyLength, previousTrailer) < 0) {
      throw new CorruptionException(
          file, offset, "data block " + i + " ends after its index separator");
    }
  }

  private void checkProperties(TableProperties stored, long offset) {
    TableProperties opened = reader.properties();
    byte[] largestKey = Arrays.copyOf(previousKey, previousKeyLength);
    boolean matches =
        stored.entryCount() == entries
            && stored.tombstoneCount() == tombstones
            && stored.rawKeyBytes() == rawKeyBytes
            && stored.rawValueBytes() == rawValueBytes
            && stored.smallestSequence() == smallestSequence
            && stored.largestSequence() == largestSequence
            && Arrays.equals(stored.smallestKey(), smallestKey)
            && Arrays.equals(stored.largestKey(), largestKey)
            && same(stored, opened);
    if (!matches) {
      throw new CorruptionException(
          file,
          offset,
          "properties do not match the entries: stored "
              + stored.entryCount()
              + " entries, "
              + stored.tombstoneCount()
              + " tombstones, sequences "
              + stored.smallestSequence()
              + ".."
              + stored.largestSequence()
              + "; found "
              + entries
              + ", "
              + tombstones
              + ", "
              + smallestSequence
              + ".."
              + largestSequence);
    }
  }

  private static boolean same(TableProperties a, TableProperties b) {
    return a.formatName().equals(b.formatName())
        && a.formatVersion() == b.formatVersion()
        && a.entryCount() == b.entryCount()
        && a.tombstoneCount() == b.tombstoneCount()
        && Arrays.equals(a.smallestKey(), b.smallestKey())
        && Arrays.equals(a.largestKey(), b.largestKey())
        && a.smallestSequence() == b.smallestSequence()
        && a.largestSequence() == b.largestSequence()
        && a.rawKeyBytes() == b.rawKeyBytes()
        && a.rawValueBytes() == b.rawValueBytes()
        && a.dataBlockCount() == b.dataBlockCount()
        && a.dataBytes() == b.dataBytes()
        && a.indexBytes() == b.indexBytes()
        && a.filterBytes() == b.filterBytes()
        && a.compression().equals(b.compression())
        && a.bloomBitsPerKey() == b.bloomBitsPerKey();
  }
}
