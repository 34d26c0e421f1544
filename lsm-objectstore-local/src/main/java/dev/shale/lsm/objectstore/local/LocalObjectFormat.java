package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.api.CorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The file format of one object of the local store: a header carrying the entity tag, the size, the
 * write time and the user metadata, then the object's bytes.
 *
 * <pre>
 * offset  size  field
 *  0      4     magic "SHLO" (0x53 0x48 0x4C 0x4F)
 *  4      1     format version, 1
 *  5      16    digest: the first 128 bits of SHA-256 of the data (the etag, in lower-case hex)
 *  21     8     data length, u64
 *  29     8     written at, milliseconds since the epoch, u64
 *  37     2     metadata entry count n, u16
 *  39     ...   n entries: key length u16, key UTF-8, value length u16, value UTF-8
 *  ...    4     CRC32C of every header byte before it
 *  ...    ...   data
 * </pre>
 *
 * Integers are big-endian. A reader checks the magic, version, lengths against the file size and
 * the CRC; {@code get} and {@code getToFile} also check the data against the digest. Any mismatch
 * is a {@link CorruptionException} naming the file.
 */
final class LocalObjectFormat {
  static final int MAGIC = 0x53484C4F;
  static final int VERSION = 1;
  static final int DIGEST_BYTES = 16;
  static final int FIXED_BYTES = 4 + 1 + DIGEST_BYTES + 8 + 8 + 2;

  /** User metadata is small (S3 allows 2 KiB); the store accepts up to this many encoded bytes. */
  static final int MAX_METADATA_BYTES = 8192;

  private static final int MAX_ENTRIES = 1024;

  /** No valid header is longer: read this much to parse one in a single call. */
  static final int MAX_HEADER_BYTES = FIXED_BYTES + MAX_METADATA_BYTES + 4 * MAX_ENTRIES + 4;

  /** A parsed header. */
  record Header(
      byte[] digest,
      long dataLength,
      Instant lastModified,
      Map<String, String> metadata,
      int length) {
    String etag() {
      return ObjectKeys.HEX.formatHex(digest);
    }
  }

  private LocalObjectFormat() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static byte[] digestOf(MessageDigest sha) {
    return Arrays.copyOf(sha.digest(), DIGEST_BYTES);
  }

  /** Checks metadata before anything is written. */
  static void checkMetadata(Map<String, String> metadata) {
    if (metadata.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("too many metadata entries: " + metadata.size());
    }
    int total = 0;
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("metadata key must not be empty");
      }
      total +=
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > MAX_METADATA_BYTES) {
      throw new IllegalArgumentException(
          "metadata too large: " + total + " bytes, at most " + MAX_METADATA_BYTES);
    }
  }

  /** The header bytes, CRC included. */
  static byte[] header(
      byte[] digest, long dataLength, long writtenAtMillis, Map<String, String> metadata) {
    Map<String, String> sorted = new TreeMap<>(metadata);
    int size = FIXED_BYTES + 4;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      size +=
          4
              + e.getKey().getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(MAGIC).put((byte) VERSION).put(digest, 0, DIGEST_BYTES);
    b.putLong(dataLength).putLong(writtenAtMillis).putShort((short) sorted.size());
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      putString(b, e.getKey());
      putString(b, e.getValue());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) utf8.length).put(utf8);
  }

  /** Reads and checks the header of the object file open in {@code ch}. */
  static Header read(FileChannel ch, String file) throws IOException {
    long size = ch.size();
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(size, MAX_HEADER_BYTES));
    while (b.hasRemaining()) {
      if (ch.read(b, b.position()) < 0) {
        break;
      }
    }
    b.flip();
    if (b.remaining() < FIXED_BYTES + 4) {
      throw new CorruptionException(
          file, 0, "object file of " + size + " bytes is shorter than a header");
    }
    int magic = b.getInt();
    if (magic != MAGIC) {
      throw new CorruptionException(
          file, 0, String.format("magic 0x%08x, expected 0x%08x (\"SHLO\")", magic, MAGIC));
    }
    int version = b.get() & 0xff;
    if (version != VERSION) {
      throw new CorruptionException(
          file, 4, "format version " + version + ", this reader knows version " + VERSION);
    }
    byte[] digest = new byte[DIGEST_BYTES];
    b.get(digest);
    long dataLength = b.getLong();
    long writtenAt = b.getLong();
    int entries = b.getShort() & 0xffff;
    if (entries > MAX_ENTRIES) {
      throw new CorruptionException(
          file, 37, entries + " metadata entries, at most " + MAX_ENTRIES);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      String k = getString(b, file);
      String v = getString(b, file);
      metadata.put(k, v);
    }
    int crcOffset = b.position();
    if (b.remaining() < 4) {
      throw new CorruptionException(file, crcOffset, "header truncated before its checksum");
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, crcOffset);
    int stored = b.getInt();
    if (stored != (int) crc.getValue()) {
      throw new CorruptionException(
          file,
          crcOffset,
          String.format("header CRC32C 0x%08x, computed 0x%08x", stored, (int) crc.getValue()));
    }
    int headerLength = b.position();
    if (dataLength != size - headerLength) {
      throw new CorruptionException(
          file,
          21,
          "header says " + dataLength + " data bytes, the file holds " + (size - headerLength));
    }
    return new Header(digest, dataLength, Instant.ofEpochMilli(writtenAt), metadata, headerLength);
  }

  private static String getString(ByteBuffer b, String file) {
    if (b.remaining() < 2) {
      throw new CorruptionException(file, b.position(), "metadata truncated");
    }
    int len = b.getShort() & 0xffff;
    if (len > b.remaining()) {
      throw new CorruptionException(
          file, b.position() - 2, "metadata string of " + len + " bytes overruns the header");
    }
    byte[] utf8 = new byte[len];
    b.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** Throws when {@code data}'s digest is not the header's. */
  static void checkDigest(Header h, byte[] actualDigest, String file) {
    if (!Arrays.equals(h.digest(), actualDigest)) {
      throw new CorruptionException(
          file,
          h.length(),
          "data SHA-256 prefix "
              + ObjectKeys.HEX.formatHex(actualDigest)
              + ", header says "
              + h.etag());
    }
  }
}
