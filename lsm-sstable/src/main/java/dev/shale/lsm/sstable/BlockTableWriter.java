package dev.shale.lsm.sstable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Writes one block table front to back (layout: docs/formats.md section 3). Not thread-safe. */
final class BlockTableWriter implements SSTableWriter {
  private static final byte[] EMPTY = new byte[0];

  /** The smallest trailer: an internal key with it sorts before every version of its user key. */
  private static final long FIRST_TRAILER = (Sequences.MAX_SEQUENCE << 8) | 0xFF;

  private final SequentialOutput output;
  private final TableWriterOptions options;
  private final int compressionType;
  private final int formatVersion;
  private final DataBlockBuilder block;
  private final ByteSink compressed;
  private final ByteSink indexEntries = new ByteSink(1024);
  private int indexCount;
  private long[] filterHashes;
  private int filterCount;

  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private long lastTrailer;
  private byte[] separator = new byte[64];

  private boolean pendingIndexEntry;
  private long pendingOffset;
  private int pendingSize;

  private long entryCount;
  private long tombstoneCount;
  private long rawKeyBytes;
  private long rawValueBytes;
  private long smallestSequence = Long.MAX_VALUE;
  private long largestSequence = -1;
  private long dataBlockCount;
  private long dataBytes;
  private byte[] smallestKey = EMPTY;

  private boolean finished;
  private boolean closed;

  BlockTableWriter(SequentialOutput output, TableWriterOptions options, int formatVersion)
      throws IOException {
    this.compressionType = BlockCodec.typeOf(options.compression());
    this.output = output;
    this.options = options;
    this.formatVersion = formatVersion;
    this.block = new DataBlockBuilder(options.blockBytes(), options.restartInterval());
    this.compressed =
        new ByteSink(compressionType == BlockCodec.TYPE_NONE ? 16 : options.blockBytes());
    this.filterHashes = new long[options.bloomBitsPerKey() > 0 ? 1024 : 0];
    TableFileHeader.write(output, BlockTableFormat.NAME, formatVersion);
  }

  @Override
  public void add(byte[] key, long sequence, EntryKind kind, byte[] value) throws IOException {
    ensureWritable();
    if (!Sequences.isValid(sequence)) {
      throw new IllegalArgumentException(
          "sequence " + sequence + " is outside 0.." + Sequences.MAX_SEQUENCE);
    }
    byte[] v = kind == EntryKind.DELETE ? EMPTY : value;
    long trailer = Sequences.trailer(sequence, kind);
    boolean newUserKey = true;
    if (entryCount > 0) {
      int c = Arrays.compareUnsigned(lastKey, 0, lastKeyLength, key, 0, key.length);
      if (c > 0 || (c == 0 && Long.compareUnsigned(trailer, lastTrailer) >= 0)) {
        throw new IllegalArgumentException(
            "entries out of order: key "
                + hex(key, key.length)
                + " seq "
                + sequence
                + " "
                + kind
                + " after key "
                + hex(lastKey, lastKeyLength)
                + " seq "
                + (lastTrailer >>> 8)
                + "; add in internal-key order (user key ascending, sequence descending)");
      }
      newUserKey = c != 0;
    }
    if (!block.isEmpty() && block.estimatedSizeWith(key.length, v.length) > options.blockBytes()) {
      flushBlock();
    }
    if (pendingIndexEntry) {
      addIndexEntry(key);
    }
    if (newUserKey && options.bloomBitsPerKey() > 0) {
      if (filterCount == filterHashes.length) {
        filterHashes = Arrays.copyOf(filterHashes, filterCount * 2);
      }
      filterHashes[filterCount++] = BloomFilter.hash(key);
    }
    block.add(key, trailer, v);

    if (entryCount == 0) {
      smallestKey = key.clone();
    }
    if (newUserKey) {
      if (lastKey.length < key.length) {
        lastKey = new byte[Math.max(key.length, lastKey.length * 2)];
      }
      System.arraycopy(key, 0, lastKey, 0, key.length);
      lastKeyLength = key.length;
    }
    lastTrailer = trailer;
    entryCount++;
    if (kind == EntryKind.DELETE) {
      tombstoneCount++;
    }
    rawKeyBytes += key.length;
    rawValueBytes += v.length;
    smallestSequence = Math.min(smallestSequence, sequence);
    largestSequence = Math.max(largestSequence, sequence);
  }

  /**
   * Indexes the block just written under a separator between its last key and {@code nextKey}: when
   * the user keys differ, the shortest user key in {@code [last, next)} (as LevelDB's
   * FindShortestSeparator) with the trailer that sorts first; otherwise the last internal key.
   */
  private void addIndexEntry(byte[] nextKey) {
    int limit = Math.min(lastKeyLength, nextKey.length);
    int i = Arrays.mismatch(lastKey, 0, limit, nextKey, 0, limit);
    if (i >= 0 && i < lastKeyLength) {
      int b = lastKey[i] & 0xFF;
      if (b < 0xFF && b + 1 < (nextKey[i] & 0xFF)) {
        if (separator.length < i + 1) {
          separator = new byte[Math.max(i + 1, separator.length * 2)];
        }
        System.arraycopy(lastKey, 0, separator, 0, i);
        separator[i] = (byte) (b + 1);
        IndexBlock.writeEntry(
            indexEntries, separator, i + 1, FIRST_TRAILER, pendingOffset, pendingSize);
        indexCount++;
        pendingIndexEntry = false;
        return;
      }
    }
    IndexBlock.writeEntry(
        indexEntries, lastKey, lastKeyLength, lastTrailer, pendingOffset, pendingSize);
    indexCount++;
    pendingIndexEntry = false;
  }

  private void flushBlock() throws IOException {
    ByteSink raw = block.finish();
    long offset = output.position();
    int size;
    if (compressionType == BlockCodec.TYPE_LZ4
        && BlockCodec.compressLz4(raw.array(), raw.size(), compressed)) {
      size = writeStored(compressed.array(), compressed.size(), BlockCodec.TYPE_LZ4);
    } else {
      size = writeStored(raw.array(), raw.size(), BlockCodec.TYPE_NONE);
    }
    pendingIndexEntry = true;
    pendingOffset = offset;
    pendingSize = size;
    dataBlockCount++;
    dataBytes += size + BlockCodec.TRAILER_BYTES;
    block.reset(options.blockBytes());
  }

  /** Writes a payload and its trailer; returns the payload size. */
  private int writeStored(byte[] payload, int length, int type) throws IOException {
    output.write(payload, 0, length);
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, length);
    crc.update(type);
    byte[] trailer = new byte[BlockCodec.TRAILER_BYTES];
    trailer[0] = (byte) type;
    BigEndian.putInt(trailer, 1, (int) crc.getValue());
    output.write(trailer);
    return length;
  }

  @Override
  public long entryCount() {
    return entryCount;
  }

  @Override
  public long estimatedFileSize() {
    long filter =
        options.bloomBitsPerKey() > 0
            ? (long) filterCount * options.bloomBitsPerKey() / 8 + BloomFilter.LINE_BYTES + 11
            : 0;
    long index = (long) indexEntries.size() + 4 + (block.isEmpty() ? 0 : lastKeyLength + 30);
    return output.position()
        + (block.isEmpty() ? 0 : block.estimatedSize() + BlockCodec.TRAILER_BYTES)
        + filter
        + index
        + BlockCodec.TRAILER_BYTES
        + 160
        + smallestKey.length
        + lastKeyLength
        + TableFooter.SIZE;
  }

  @Override
  public TableProperties finish() throws IOException {
    ensureWritable();
    if (entryCount == 0) {
      throw new IllegalStateException("no entry was added: empty tables are not written");
    }
    if (!block.isEmpty()) {
      flushBlock();
    }
    IndexBlock.writeEntry(
        indexEntries, lastKey, lastKeyLength, lastTrailer, pendingOffset, pendingSize);
    indexCount++;
    pendingIndexEntry = false;

    long filterOffset = output.position();
    int filterSize = 0;
    if (options.bloomBitsPerKey() > 0) {
      byte[] filter = BloomFilter.build(filterHashes, filterCount, options.bloomBitsPerKey());
      filterSize = writeStored(filter, filter.length, BlockCodec.TYPE_NONE);
    }
    long indexOffset = output.position();
    ByteSink index = new ByteSink(indexEntries.size() + 4);
    index.writeInt(indexCount);
    index.write(indexEntries.array(), 0, indexEntries.size());
    int indexSize = writeStored(index.array(), index.size(), BlockCodec.TYPE_NONE);

    TableProperties properties =
        new TableProperties(
            BlockTableFormat.NAME,
            formatVersion,
            entryCount,
            tombstoneCount,
            smallestKey,
            Arrays.copyOf(lastKey, lastKeyLength),
            smallestSequence,
            largestSequence,
            rawKeyBytes,
            rawValueBytes,
            dataBlockCount,
            dataBytes,
            indexSize + (long) BlockCodec.TRAILER_BYTES,
            filterSize == 0 ? 0 : filterSize + (long) BlockCodec.TRAILER_BYTES,
            options.compression(),
            options.bloomBitsPerKey());
    long propertiesOffset = output.position();
    byte[] props = PropertiesBlock.encode(properties);
    writeStored(props, props.length, BlockCodec.TYPE_NONE);
    TableFooter footer =
        new TableFooter(
            indexOffset,
            indexSize,
            filterOffset,
            filterSize,
            propertiesOffset,
            props.length,
            formatVersion);
    output.write(footer.encode());
    output.flush();
    finished = true;
    return properties;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureWritable() {
    if (closed) {
      throw new IllegalStateException("the table writer is closed");
    }
    if (finished) {
      throw new IllegalStateException("the table is already finished");
    }
  }

  private static String hex(byte[] key, int length) {
    StringBuilder sb = new StringBuilder("0x");
    int shown = Math.min(length, 32);
    for (int i = 0; i < shown; i++) {
      sb.append(Character.forDigit((key[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(key[i] & 0xF, 16));
    }
    if (shown < length) {
      sb.append("...(").append(length).append(" bytes)");
    }
    return sb.toString();
  }
}
