package dev.shale.lsm.spi.sstable;

/**
 * How a table is laid out.
 *
 * @param blockBytes target uncompressed size of a data block
 * @param restartInterval keys between restart points in a data block
 * @param bloomBitsPerKey filter bits per key, 0 for no filter
 * @param compression a codec from {@link SSTableFormat#compressionCodecs()}
 */
public record TableWriterOptions(
    int blockBytes, int restartInterval, int bloomBitsPerKey, String compression) {

  /** 4 KiB blocks, restarts every 16 keys, 10 bits per key, no compression. */
  public static TableWriterOptions defaults() {
    return new TableWriterOptions(4096, 16, 10, "none");
  }

  public TableWriterOptions {
    if (blockBytes < 64) {
      throw new IllegalArgumentException("blockBytes must be at least 64, was " + blockBytes);
    }
    if (restartInterval < 1) {
      throw new IllegalArgumentException("restartInterval must be at least 1");
    }
    if (bloomBitsPerKey < 0) {
      throw new IllegalArgumentException("bloomBitsPerKey must not be negative");
    }
  }
}
