package dev.shale.lsm.spi.sstable;

/** A property an {@link SSTableFormat} may declare. Undeclared means unsupported. */
public enum SSTableCapability {
  /**
   * {@link SSTableReader#mayContain} consults a filter: never false for a present key and false for
   * most absent ones. Without it, {@code mayContain} is always true.
   */
  FILTER,
  /**
   * Every byte of the file is covered by a checksum: any flipped byte makes {@link
   * SSTableReader#verify} (and the read touching it) fail with {@code CorruptionException}.
   */
  CHECKSUMS,
  /** Codecs other than "none" are offered in {@link SSTableFormat#compressionCodecs()}. */
  COMPRESSION,
  /** Reads go through the {@link TableReaderOptions#blockCache()}. */
  BLOCK_CACHE
}
