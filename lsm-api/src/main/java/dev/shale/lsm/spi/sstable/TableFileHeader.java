package dev.shale.lsm.spi.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The header every table file starts with, whatever its format: {@code [magic u64 "SHALETAB"][name
 * length u8][format name, ASCII][format version u32][CRC32C u32 of the preceding bytes]},
 * big-endian. It lets the engine and tools pick the reader from the file alone, like Lucene's codec
 * header.
 *
 * @param formatName the provider name of the format that wrote the file
 * @param formatVersion the version it wrote
 * @param length the header's size in bytes: where the format's own data starts
 */
public record TableFileHeader(String formatName, int formatVersion, int length) {

  /** "SHALETAB" in ASCII. */
  public static final long MAGIC = 0x5348414C45544142L;

  private static final int MAX_NAME = 255;

  /** Writes a header for {@code formatName}/{@code formatVersion}; returns it. */
  public static TableFileHeader write(SequentialOutput output, String formatName, int formatVersion)
      throws IOException {
    byte[] name = formatName.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > MAX_NAME) {
      throw new IllegalArgumentException("format name must be 1..255 ASCII bytes");
    }
    ByteBuffer header = ByteBuffer.allocate(8 + 1 + name.length + 4 + 4);
    header.putLong(MAGIC).put((byte) name.length).put(name).putInt(formatVersion);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, header.position());
    header.putInt((int) crc.getValue());
    output.write(header.array());
    return new TableFileHeader(formatName, formatVersion, header.capacity());
  }

  /**
   * Reads the header at the start of {@code input}.
   *
   * @throws CorruptionException when the file is too short, the magic is wrong (not a Shale table)
   *     or the header checksum fails
   */
  public static TableFileHeader read(RandomAccessInput input) throws IOException {
    String file = input.name();
    if (input.length() < 8 + 1 + 1 + 4 + 4) {
      throw new CorruptionException(
          file, 0, "file is " + input.length() + " bytes, too short for a table header");
    }
    byte[] fixed = new byte[9];
    input.readFully(0, fixed, 0, 9);
    ByteBuffer buf = ByteBuffer.wrap(fixed);
    long magic = buf.getLong();
    if (magic != MAGIC) {
      throw new CorruptionException(
          file,
          0,
          String.format(
              "not a Shale table file: magic 0x%016x, expected 0x%016x (\"SHALETAB\")",
              magic, MAGIC));
    }
    int nameLength = fixed[8] & 0xFF;
    int total = 9 + nameLength + 8;
    if (nameLength == 0 || input.length() < total) {
      throw new CorruptionException(
          file, 8, "table header name length " + nameLength + " is invalid");
    }
    byte[] all = new byte[total];
    try {
      input.readFully(0, all, 0, total);
    } catch (EOFException e) {
      throw new CorruptionException(file, 0, "table header is truncated", e);
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, total - 4);
    int stored = ByteBuffer.wrap(all, total - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptionException(file, 0, "table header checksum mismatch");
    }
    String name = new String(all, 9, nameLength, StandardCharsets.US_ASCII);
    int version = ByteBuffer.wrap(all, 9 + nameLength, 4).getInt();
    return new TableFileHeader(name, version, total);
  }
}
