package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import java.util.zip.CRC32C;

/**
 * The fixed-size footer that ends every block table: {@code [index offset u64][index size
 * u32][filter offset u64][filter size u32][properties offset u64][properties size u32][format
 * version u32][magic u64 "SHALEBLK"][crc32c u32 of the 48 bytes before it]}. Sizes are payload
 * sizes without the block trailer; a filter size of 0 means the table has no filter.
 */
record TableFooter(
    long indexOffset,
    int indexSize,
    long filterOffset,
    int filterSize,
    long propertiesOffset,
    int propertiesSize,
    int formatVersion) {

  static final int SIZE = 52;

  /** "SHALEBLK" in ASCII. */
  static final long MAGIC = 0x5348414C45424C4BL;

  byte[] encode() {
    byte[] b = new byte[SIZE];
    BigEndian.putLong(b, 0, indexOffset);
    BigEndian.putInt(b, 8, indexSize);
    BigEndian.putLong(b, 12, filterOffset);
    BigEndian.putInt(b, 20, filterSize);
    BigEndian.putLong(b, 24, propertiesOffset);
    BigEndian.putInt(b, 32, propertiesSize);
    BigEndian.putInt(b, 36, formatVersion);
    BigEndian.putLong(b, 40, MAGIC);
    BigEndian.putInt(b, 48, crc(b));
    return b;
  }

  private static int crc(byte[] footer) {
    CRC32C crc = new CRC32C();
    crc.update(footer, 0, SIZE - 4);
    return (int) crc.getValue();
  }

  /**
   * Decodes a footer read at {@code offset}.
   *
   * @throws CorruptionException when the magic or the checksum is wrong (a truncated or foreign
   *     file)
   */
  static TableFooter decode(byte[] b, String file, long offset) {
    long magic = BigEndian.getLong(b, 40);
    if (magic != MAGIC) {
      throw new CorruptionException(
          file,
          offset,
          String.format(
              "no block-table footer (magic 0x%016x, expected 0x%016x \"SHALEBLK\"): the file is"
                  + " truncated or not a complete table",
              magic, MAGIC));
    }
    int stored = BigEndian.getInt(b, 48);
    int computed = crc(b);
    if (stored != computed) {
      throw new CorruptionException(
          file,
          offset,
          String.format(
              "footer checksum mismatch: stored 0x%08x, computed 0x%08x", stored, computed));
    }
    return new TableFooter(
        BigEndian.getLong(b, 0),
        BigEndian.getInt(b, 8),
        BigEndian.getLong(b, 12),
        BigEndian.getInt(b, 20),
        BigEndian.getLong(b, 24),
        BigEndian.getInt(b, 32),
        BigEndian.getInt(b, 36));
  }
}
