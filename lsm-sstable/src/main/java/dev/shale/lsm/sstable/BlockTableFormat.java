package dev.shale.lsm.sstable;

import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.sstable.SSTableCapability;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The block-based SSTable format, provider name {@code "block"}: prefix-compressed data blocks with
 * restart points, each with a CRC32C trailer and optional LZ4 compression, a cache-local Bloom
 * filter on user keys, an index of internal-key separators, a properties block and a fixed-size
 * footer. The byte layout is in docs/formats.md, section 3.
 *
 * <p>Stateless and thread-safe. Readers are thread-safe and read data blocks through the {@link
 * TableReaderOptions#blockCache()}; writers are not thread-safe.
 */
public final class BlockTableFormat implements SSTableFormat {
  /** The provider name, written into every table's header. */
  public static final String NAME = "block";

  /** The format version this class writes. */
  public static final int VERSION = 1;

  /** The oldest format version this class reads. */
  static final int OLDEST_READABLE_VERSION = 1;

  private static final Set<SSTableCapability> CAPABILITIES =
      Set.copyOf(
          EnumSet.of(
              SSTableCapability.FILTER,
              SSTableCapability.CHECKSUMS,
              SSTableCapability.COMPRESSION,
              SSTableCapability.BLOCK_CACHE));

  /** A provider; {@link java.util.ServiceLoader} calls this. */
  public BlockTableFormat() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int formatVersion() {
    return VERSION;
  }

  @Override
  public Set<SSTableCapability> capabilities() {
    return CAPABILITIES;
  }

  /** {@code "none"} and {@code "lz4"}. */
  @Override
  public Set<String> compressionCodecs() {
    return BlockCodec.CODECS;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The value of a tombstone is not stored: a DELETE reads back with an empty value.
   *
   * @throws IllegalArgumentException for a codec other than "none" and "lz4"
   */
  @Override
  public SSTableWriter newWriter(SequentialOutput output, TableWriterOptions options)
      throws IOException {
    return new BlockTableWriter(output, options, VERSION);
  }

  @Override
  public SSTableReader openReader(RandomAccessInput input, TableReaderOptions options)
      throws IOException {
    return BlockTableReader.open(input, options);
  }
}
