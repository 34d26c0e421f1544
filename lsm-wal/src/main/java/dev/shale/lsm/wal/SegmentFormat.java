package dev.shale.lsm.wal;

import dev.shale.lsm.api.WriteBatch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The byte layout of a segment file, version 1 (docs/formats.md section 2): a fixed header, then
 * records {@code [crc32c u32][length u32][type u8][payload]}. Big-endian throughout.
 */
final class SegmentFormat {
  private SegmentFormat() {}

  /** "SHWL": Shale write-ahead log. */
  static final int MAGIC = 0x5348574C;

  static final String FORMAT_NAME = "segmented";
  static final int FORMAT_VERSION = 1;

  private static final byte[] NAME_BYTES = FORMAT_NAME.getBytes(StandardCharsets.US_ASCII);

  // Header: magic u32, name length u8, name, version u16, segment id u64, first sequence u64, crc.
  static final int NAME_LENGTH_OFFSET = 4;
  static final int NAME_OFFSET = 5;
  static final int VERSION_OFFSET = NAME_OFFSET + NAME_BYTES.length;
  static final int SEGMENT_ID_OFFSET = VERSION_OFFSET + 2;
  static final int FIRST_SEQUENCE_OFFSET = SEGMENT_ID_OFFSET + 8;
  static final int HEADER_CRC_OFFSET = FIRST_SEQUENCE_OFFSET + 8;
  static final int HEADER_BYTES = HEADER_CRC_OFFSET + 4;

  /** Record framing before the payload: crc u32, length u32, type u8. */
  static final int RECORD_HEADER_BYTES = 9;

  /** The payload starts with the batch's first sequence (u64) and operation count (u32). */
  static final int PAYLOAD_PREFIX_BYTES = 12;

  /** The largest payload a record can have: the prefix and the largest batch encoding. */
  static final long MAX_PAYLOAD_BYTES = PAYLOAD_PREFIX_BYTES + (long) WriteBatch.MAX_ENCODED_BYTES;

  /** The smallest operation: a delete ({@code [kind][varint 1][1 key byte]}). */
  static final int MIN_OPERATION_BYTES = 3;

  /** The only record type of version 1. Zero is never a valid type, so zero-fill never parses. */
  static final byte TYPE_BATCH = 1;

  static final String SEGMENT_SUFFIX = ".wal";

  /** Appended to a segment's name when recovery sets it aside; such files are never replayed. */
  static final String CORRUPT_SUFFIX = ".corrupt";

  /** Appended to a segment's name while SKIP_CORRUPTED recovery writes its repaired copy. */
  static final String REWRITE_SUFFIX = ".rewrite";

  private static final int ID_DIGITS = 20;

  private static final VarHandle U16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle U64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The file name of segment {@code id}: the id zero-padded to 20 digits, then ".wal". */
  static String fileName(long id) {
    String digits = Long.toString(id);
    return "0".repeat(ID_DIGITS - digits.length()) + digits + SEGMENT_SUFFIX;
  }

  /**
   * The segment id in a file name ending in {@code suffix} (a live segment's ".wal", or a set-aside
   * one's ".wal.corrupt"), or -1 when the name is not of that form.
   */
  static long parseId(Path file, String suffix) {
    Path namePath = file.getFileName();
    if (namePath == null) {
      return -1;
    }
    String name = namePath.toString();
    if (name.length() != ID_DIGITS + suffix.length() || !name.endsWith(suffix)) {
      return -1;
    }
    long id = 0;
    for (int i = 0; i < ID_DIGITS; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (id > (Long.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      id = id * 10 + (c - '0');
    }
    return id;
  }

  /** Writes a header for segment {@code id} whose first record has {@code firstSequence}. */
  static void writeHeader(byte[] dst, int offset, long id, long firstSequence, CRC32C crc) {
    U32.set(dst, offset, MAGIC);
    dst[offset + NAME_LENGTH_OFFSET] = (byte) NAME_BYTES.length;
    System.arraycopy(NAME_BYTES, 0, dst, offset + NAME_OFFSET, NAME_BYTES.length);
    U16.set(dst, offset + VERSION_OFFSET, (short) FORMAT_VERSION);
    U64.set(dst, offset + SEGMENT_ID_OFFSET, id);
    U64.set(dst, offset + FIRST_SEQUENCE_OFFSET, firstSequence);
    crc.reset();
    crc.update(dst, offset, HEADER_CRC_OFFSET);
    U32.set(dst, offset + HEADER_CRC_OFFSET, (int) crc.getValue());
  }

  /** A header that checked out. */
  record Header(long segmentId, long firstSequence) {}

  /**
   * Whether the header bytes name this format but a version this reader does not read; such a file
   * is refused outright (it is not damage: a newer writer made it).
   *
   * @return a message, or null when the bytes are not a header of another version of this format
   */
  static @Nullable String unsupportedVersion(byte[] header, int length) {
    if (length < SEGMENT_ID_OFFSET || !namesThisFormat(header)) {
      return null;
    }
    int version = Short.toUnsignedInt((short) U16.get(header, VERSION_OFFSET));
    if (version == FORMAT_VERSION) {
      return null;
    }
    return "segment format version "
        + version
        + " is not supported; this reader reads version "
        + FORMAT_VERSION
        + " (open the log with the Shale release that wrote it)";
  }

  /**
   * Checks a header read from the start of a file.
   *
   * @return the header, or null when it is incomplete or damaged (the caller decides, by recovery
   *     mode, what that means)
   */
  static @Nullable Header readHeader(byte[] header, int length, CRC32C crc) {
    if (length < HEADER_BYTES || !namesThisFormat(header)) {
      return null;
    }
    crc.reset();
    crc.update(header, 0, HEADER_CRC_OFFSET);
    if ((int) crc.getValue() != (int) U32.get(header, HEADER_CRC_OFFSET)) {
      return null;
    }
    if (Short.toUnsignedInt((short) U16.get(header, VERSION_OFFSET)) != FORMAT_VERSION) {
      return null;
    }
    return new Header(
        (long) U64.get(header, SEGMENT_ID_OFFSET), (long) U64.get(header, FIRST_SEQUENCE_OFFSET));
  }

  private static boolean namesThisFormat(byte[] header) {
    if ((int) U32.get(header, 0) != MAGIC
        || header[NAME_LENGTH_OFFSET] != (byte) NAME_BYTES.length) {
      return false;
    }
    for (int i = 0; i < NAME_BYTES.length; i++) {
      if (header[NAME_OFFSET + i] != NAME_BYTES[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Frames one record at {@code offset}: the payload ({@code payloadLength} bytes from {@code
   * offset + RECORD_HEADER_BYTES}) must already be in place. The checksum covers the length, the
   * type and the payload, so a damaged length field fails the check like any other byte.
   */
  static void frameRecord(byte[] dst, int offset, int payloadLength, CRC32C crc) {
    U32.set(dst, offset + 4, payloadLength);
    dst[offset + 8] = TYPE_BATCH;
    crc.reset();
    crc.update(dst, offset + 4, 5 + payloadLength);
    U32.set(dst, offset, (int) crc.getValue());
  }

  static void putLong(byte[] dst, int offset, long value) {
    U64.set(dst, offset, value);
  }

  static void putInt(byte[] dst, int offset, int value) {
    U32.set(dst, offset, value);
  }

  static long getLong(byte[] src, int offset) {
    return (long) U64.get(src, offset);
  }

  static int getInt(byte[] src, int offset) {
    return (int) U32.get(src, offset);
  }
}
