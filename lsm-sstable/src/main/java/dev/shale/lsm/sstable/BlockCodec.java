package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.VarInts;
import dev.shale.lsm.spi.io.RandomAccessInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Set;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How a block is stored: its payload (possibly compressed) followed by the 5-byte trailer {@code
 * [compression type u8][crc32c u32]}, the CRC covering the stored payload and the type byte.
 * Stateless and thread-safe.
 */
final class BlockCodec {
  static final int TRAILER_BYTES = 5;
  static final int TYPE_NONE = 0;
  static final int TYPE_LZ4 = 1;
  static final String NONE = "none";
  static final String LZ4 = "lz4";
  static final Set<String> CODECS = Set.of(NONE, LZ4);

  /**
   * LZ4 can expand at most about 255 times; a stored length claiming more is damage, refused before
   * anything is allocated.
   */
  private static final long MAX_LZ4_RATIO = 255;

  private BlockCodec() {}

  /**
   * LZ4 in pure Java. The JNI codec is not used: crossing JNI for a 4 KiB block costs about what it
   * saves, it needs a native library extracted to a temporary directory, and JDK 24+ warns about
   * its restricted System.load. Compression is our own {@link Lz4BlockCompressor} (one per thread,
   * no allocation per block); decompression is lz4-java's safe decompressor, which checks every
   * length and offset against the buffers. Held lazily so tables without compression never load
   * LZ4.
   */
  private static final class Lz4 {
    static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    static final ThreadLocal<Lz4BlockCompressor> COMPRESSOR =
        ThreadLocal.withInitial(Lz4BlockCompressor::new);
  }

  /**
   * The type code of {@code codec}.
   *
   * @throws IllegalArgumentException for an unknown codec
   */
  static int typeOf(String codec) {
    return switch (codec) {
      case NONE -> TYPE_NONE;
      case LZ4 -> TYPE_LZ4;
      default ->
          throw new IllegalArgumentException(
              "unknown compression codec '" + codec + "'; the block format offers " + CODECS);
    };
  }

  /**
   * Compresses {@code raw[0..length)} into {@code out} (cleared first) as {@code [uncompressed
   * length varint][lz4 block]}; returns false, leaving {@code out} unspecified, when that does not
   * save at least an eighth (then the block is better stored raw, as RocksDB does).
   */
  static boolean compressLz4(byte[] raw, int length, ByteSink out) {
    out.reset();
    out.writeVarInt(length);
    int header = out.size();
    out.reserve(Lz4BlockCompressor.maxCompressedLength(length));
    int n = Lz4.COMPRESSOR.get().compress(raw, 0, length, out.array(), header);
    int stored = header + n;
    if (stored > length - (length >>> 3)) {
      return false;
    }
    out.setSize(stored);
    return true;
  }

  /** CRC32C over the payload and the type byte that follows it. */
  static int checksum(byte[] stored, int offset, int payloadLength) {
    CRC32C crc = new CRC32C();
    crc.update(stored, offset, payloadLength + 1);
    return (int) crc.getValue();
  }

  /**
   * Reads a stored block (payload and trailer) at {@code offset} and checks its checksum.
   *
   * @param payloadLength the stored payload size, already checked to lie within the file
   * @throws CorruptionException when the checksum fails or the file ended early
   */
  static byte[] readChecked(RandomAccessInput input, long offset, int payloadLength, String what)
      throws IOException {
    byte[] stored = new byte[payloadLength + TRAILER_BYTES];
    try {
      input.readFully(offset, stored, 0, stored.length);
    } catch (EOFException e) {
      throw new CorruptionException(
          input.name(), offset, what + " runs past the end of the file", e);
    }
    int expected = BigEndian.getInt(stored, payloadLength + 1);
    int actual = checksum(stored, 0, payloadLength);
    if (expected != actual) {
      throw new CorruptionException(
          input.name(),
          offset,
          String.format(
              "%s checksum mismatch: stored 0x%08x, computed 0x%08x over %d bytes",
              what, expected, actual, payloadLength + 1));
    }
    return stored;
  }

  /** The compression type byte of a stored block. */
  static int typeOf(byte[] stored, int payloadLength) {
    return stored[payloadLength] & 0xFF;
  }

  /**
   * Decompresses an LZ4 payload {@code [uncompressed length varint][lz4 block]}.
   *
   * @throws CorruptionException when the length is implausible or the data does not decode to it
   */
  static byte[] decompressLz4(byte[] stored, int payloadLength, String file, long offset) {
    int length;
    int start;
    try {
      long packed = VarInts.read(stored, 0, payloadLength);
      length = VarInts.value(packed);
      start = VarInts.next(packed);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(file, offset, "bad uncompressed length: " + e.getMessage(), e);
    }
    int compressed = payloadLength - start;
    if (length < 0 || length > MAX_LZ4_RATIO * compressed + 16) {
      throw new CorruptionException(
          file,
          offset,
          "uncompressed length "
              + (length & 0xFFFFFFFFL)
              + " is impossible for "
              + compressed
              + " compressed bytes");
    }
    byte[] out = new byte[length];
    int n;
    try {
      n = Lz4.DECOMPRESSOR.decompress(stored, start, compressed, out, 0, length);
    } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
      throw new CorruptionException(file, offset, "LZ4 data does not decode: " + e.getMessage(), e);
    }
    if (n != length) {
      throw new CorruptionException(
          file, offset, "LZ4 data decodes to " + n + " bytes, expected " + length);
    }
    return out;
  }
}
