package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.cache.CacheableBlock;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open block table. Header, footer, properties, index and filter are checked and decoded at
 * open; data blocks come through the block cache as parsed {@link DataBlock}s. Thread-safe: every
 * field is immutable after open except the closed flag.
 */
final class BlockTableReader implements SSTableReader {
  private static final Logger LOG = LoggerFactory.getLogger(BlockTableReader.class);

  private final RandomAccessInput input;
  private final String file;
  private final long fileId;
  private final BlockCache cache;
  private final long fileSize;
  private final TableFileHeader header;
  private final TableFooter footer;
  private final TableProperties properties;
  private final IndexBlock index;
  private final @Nullable BloomFilter filter;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BlockTableReader(
      RandomAccessInput input,
      TableReaderOptions options,
      TableFileHeader header,
      TableFooter footer,
      TableProperties properties,
      IndexBlock index,
      @Nullable BloomFilter filter) {
    this.input = input;
    this.file = input.name();
    this.fileId = options.fileId();
    this.cache = options.blockCache();
    this.fileSize = input.length();
    this.header = header;
    this.footer = footer;
    this.properties = properties;
    this.index = index;
    this.filter = filter;
  }

  /**
   * Opens a table, closing {@code input} when that fails.
   *
   * @throws CorruptionException for any damage in the header, footer, properties, index or filter
   */
  static BlockTableReader open(RandomAccessInput input, TableReaderOptions options)
      throws IOException {
    try {
      return openChecked(input, options);
    } catch (IOException | RuntimeException | Error e) {
      try {
        input.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private static BlockTableReader openChecked(RandomAccessInput input, TableReaderOptions options)
      throws IOException {
    String file = input.name();
    long size = input.length();
    TableFileHeader header = TableFileHeader.read(input);
    if (!header.formatName().equals(BlockTableFormat.NAME)) {
      throw new CorruptionException(
          file,
          0,
          "written by table format '"
              + header.formatName()
              + "', not '"
              + BlockTableFormat.NAME
              + "': open it with that format");
    }
    checkVersion(header.formatVersion(), file, 0);
    long footerAt = size - TableFooter.SIZE;
    if (footerAt < header.length()) {
      throw new CorruptionException(
          file, size, "file is " + size + " bytes, too short for a block table: truncated?");
    }
    TableFooter footer =
        TableFooter.decode(read(input, footerAt, TableFooter.SIZE), file, footerAt);
    if (footer.formatVersion() != header.formatVersion()) {
      throw new CorruptionException(
          file,
          footerAt,
          "footer says format version "
              + footer.formatVersion()
              + ", header says "
              + header.formatVersion());
    }
    long dataStart = header.length();
    checkLayout(footer, dataStart, footerAt, file);

    byte[] props =
        BlockCodec.readChecked(
            input, footer.propertiesOffset(), footer.propertiesSize(), "properties block");
    checkMetadataType(props, footer.propertiesSize(), file, footer.propertiesOffset());
    TableProperties properties =
        PropertiesBlock.decode(props, footer.propertiesSize(), file, footer.propertiesOffset());

    byte[] indexBytes =
        BlockCodec.readChecked(input, footer.indexOffset(), footer.indexSize(), "index block");
    checkMetadataType(indexBytes, footer.indexSize(), file, footer.indexOffset());
    IndexBlock index =
        IndexBlock.parse(
            indexBytes,
            footer.indexSize(),
            file,
            footer.indexOffset(),
            dataStart,
            footer.filterOffset());

    BloomFilter filter = null;
    if (footer.filterSize() > 0) {
      byte[] filterBytes =
          BlockCodec.readChecked(input, footer.filterOffset(), footer.filterSize(), "filter block");
      checkMetadataType(filterBytes, footer.filterSize(), file, footer.filterOffset());
      filter = BloomFilter.parse(filterBytes, 0, footer.filterSize(), file, footer.filterOffset());
    }
    checkProperties(properties, header, footer, index, dataStart, file);
    return new BlockTableReader(input, options, header, footer, properties, index, filter);
  }

  private static void checkVersion(int version, String file, long offset) {
    if (version < BlockTableFormat.OLDEST_READABLE_VERSION || version > BlockTableFormat.VERSION) {
      throw new CorruptionException(
          file,
          offset,
          "block table format version "
              + version
              + "; this reader reads versions "
              + BlockTableFormat.OLDEST_READABLE_VERSION
              + " to "
              + BlockTableFormat.VERSION
              + (version > BlockTableFormat.VERSION ? " (written by a newer Shale?)" : ""));
    }
  }

  /** The regions must tile the file: data, filter (optional), index, properties, footer. */
  private static void checkLayout(TableFooter f, long dataStart, long footerAt, String file) {
    long filterEnd =
        f.filterSize() == 0
            ? f.filterOffset()
            : f.filterOffset() + f.filterSize() + BlockCodec.TRAILER_BYTES;
    boolean ok =
        f.filterSize() >= 0
            && f.indexSize() >= 4
            && f.propertiesSize() >= 1
            && f.filterOffset() > dataStart
            && f.filterOffset() < footerAt
            && filterEnd == f.indexOffset()
            && f.indexOffset() + f.indexSize() + BlockCodec.TRAILER_BYTES == f.propertiesOffset()
            && f.propertiesOffset() + f.propertiesSize() + BlockCodec.TRAILER_BYTES == footerAt;
    if (!ok) {
      throw new CorruptionException(
          file,
          footerAt,
          "footer handles do not tile the file: data from "
              + dataStart
              + ", filter "
              + f.filterOffset()
              + "+"
              + f.filterSize()
              + ", index "
              + f.indexOffset()
              + "+"
              + f.indexSize()
              + ", properties "
              + f.propertiesOffset()
              + "+"
              + f.propertiesSize()
              + ", footer at "
              + footerAt);
    }
  }

  private static void checkMetadataType(byte[] stored, int size, String file, long offset) {
    int type = BlockCodec.typeOf(stored, size);
    if (type != BlockCodec.TYPE_NONE) {
      throw new CorruptionException(
          file, offset, "metadata block has compression type " + type + ", expected 0 (none)");
    }
  }

  private static void checkProperties(
      TableProperties p,
      TableFileHeader header,
      TableFooter footer,
      IndexBlock index,
      long dataStart,
      String file) {
    List<String> problems = new ArrayList<>();
    if (!p.formatName().equals(BlockTableFormat.NAME)) {
      problems.add("format name '" + p.formatName() + "'");
    }
    if (p.formatVersion() != header.formatVersion()) {
      problems.add("format version " + p.formatVersion());
    }
    if (p.dataBlockCount() != index.count()) {
      problems.add(p.dataBlockCount() + " data blocks but the index lists " + index.count());
    }
    if (p.entryCount() < index.count()
        || p.tombstoneCount() < 0
        || p.tombstoneCount() > p.entryCount()) {
      problems.add(p.entryCount() + " entries, " + p.tombstoneCount() + " tombstones");
    }
    if (p.dataBytes() != footer.filterOffset() - dataStart) {
      problems.add(p.dataBytes() + " data bytes");
    }
    if (p.indexBytes() != footer.indexSize() + (long) BlockCodec.TRAILER_BYTES) {
      problems.add(p.indexBytes() + " index bytes");
    }
    long filterBytes =
        footer.filterSize() == 0 ? 0 : footer.filterSize() + (long) BlockCodec.TRAILER_BYTES;
    if (p.filterBytes() != filterBytes
        || (p.bloomBitsPerKey() > 0) != (filterBytes > 0)
        || p.bloomBitsPerKey() < 0) {
      problems.add(p.filterBytes() + " filter bytes at " + p.bloomBitsPerKey() + " bits per key");
    }
    if (!BlockCodec.CODECS.contains(p.compression())) {
      problems.add("unknown compression '" + p.compression() + "'");
    }
    if (!Sequences.isValid(p.smallestSequence())
        || !Sequences.isValid(p.largestSequence())
        || p.smallestSequence() > p.largestSequence()) {
      problems.add("sequences " + p.smallestSequence() + ".." + p.largestSequence());
    }
    if (Arrays.compareUnsigned(p.smallestKey(), p.largestKey()) > 0) {
      problems.add("smallest key above largest key");
    }
    if (p.rawKeyBytes() < 0 || p.rawValueBytes() < 0) {
      problems.add("negative raw sizes");
    }
    if (!problems.isEmpty()) {
      throw new CorruptionException(
          file,
          footer.propertiesOffset(),
          "inconsistent properties: " + String.join("; ", problems));
    }
  }

  private static byte[] read(RandomAccessInput input, long offset, int length) throws IOException {
    byte[] b = new byte[length];
    try {
      input.readFully(offset, b, 0, length);
    } catch (EOFException e) {
      throw new CorruptionException(input.name(), offset, "file ends early", e);
    }
    return b;
  }

  @Override
  public TableProperties properties() {
    return properties;
  }

  @Override
  public long fileId() {
    return fileId;
  }

  @Override
  public @Nullable LookupResult get(byte[] key, long snapshot) {
    ensureOpen();
    if (!Sequences.isValid(snapshot)) {
      throw new IllegalArgumentException(
          "snapshot " + snapshot + " is outside 0.." + Sequences.MAX_SEQUENCE);
    }
    BloomFilter f = filter;
    if (f != null && !f.mayContain(BloomFilter.hash(key))) {
      return null;
    }
    long seekTrailer = (snapshot << 8) | 0xFF;
    int i = index.find(key, seekTrailer);
    if (i == index.count()) {
      return null;
    }
    // If block i has no entry at or after the key, its separator was shortened to a user key
    // below the next block's first: the key is absent, no need to look further.
    return block(i, true).get(key, seekTrailer);
  }

  @Override
  public boolean mayContain(byte[] key) {
    ensureOpen();
    BloomFilter f = filter;
    return f == null || f.mayContain(BloomFilter.hash(key));
  }

  @Override
  public InternalIterator iterator(boolean fillCache) {
    ensureOpen();
    return new TableIterator(this, fillCache);
  }

  IndexBlock index() {
    return index;
  }

  /** Data block {@code i}, through the cache ({@code fill}) or around it. */
  DataBlock block(int i, boolean fill) {
    ensureOpen();
    long offset = index.offset(i);
    try {
      if (fill) {
        return cache.get(fileId, offset, () -> loadBlock(i));
      }
      CacheableBlock cached = cache.getIfPresent(fileId, offset);
      return cached instanceof DataBlock d ? d : loadBlock(i);
    } catch (IOException e) {
      throw new StorageIOException("reading the data block at " + offset + " of " + file, e);
    }
  }

  /** Reads, checks and decodes data block {@code i} from the file. */
  private DataBlock loadBlock(int i) throws IOException {
    long offset = index.offset(i);
    int size = index.size(i);
    byte[] stored = BlockCodec.readChecked(input, offset, size, "data block");
    int type = BlockCodec.typeOf(stored, size);
    return switch (type) {
      case BlockCodec.TYPE_NONE -> DataBlock.parse(stored, size, file, offset);
      case BlockCodec.TYPE_LZ4 -> {
        byte[] data = BlockCodec.decompressLz4(stored, size, file, offset);
        yield DataBlock.parse(data, data.length, file, offset);
      }
      default ->
          throw new CorruptionException(
              file, offset, "data block has unknown compression type " + type);
    };
  }

  @Override
  public void verify(LongConsumer progress) {
    ensureOpen();
    try {
      new TableVerifier(this, progress).run();
    } catch (IOException e) {
      throw new StorageIOException("verifying " + file, e);
    }
  }

  /** What {@link TableVerifier} needs beyond the public view. */
  RandomAccessInput input() {
    return input;
  }

  String file() {
    return file;
  }

  TableFileHeader header() {
    return header;
  }

  TableFooter footer() {
    return footer;
  }

  @Nullable BloomFilter filter() {
    return filter;
  }

  DataBlock readBlockForVerify(int i) throws IOException {
    return loadBlock(i);
  }

  @Override
  public List<BlockInfo> dataBlocks() {
    ensureOpen();
    List<BlockInfo> blocks = new ArrayList<>(index.count());
    for (int i = 0; i < index.count(); i++) {
      blocks.add(
          new BlockInfo(
              index.separatorKey(i), index.offset(i), index.size(i) + BlockCodec.TRAILER_BYTES));
    }
    return blocks;
  }

  @Override
  public long fileSize() {
    return fileSize;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      cache.invalidateFile(fileId);
    } finally {
      try {
        input.close();
      } catch (IOException e) {
        LOG.warn("closing table {} failed; it was only read, so nothing is lost", file, e);
      }
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("table " + file + " is closed");
    }
  }

  /** The kind stored in a trailer that a validated block holds. */
  static EntryKind kindOf(long trailer) {
    return EntryKind.fromCode((int) (trailer & 0xFF));
  }
}
