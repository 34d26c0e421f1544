package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of one WAL object: a header naming the writer epoch, the object id and the sequence
 * range, then one framed record per batch. A zero-byte object is a fence. Layout in docs/formats.md
 * section 5. {@link Builder} collects records on the commit path; {@link #decode} reads an object.
 */
public final class WalObject {
  /** "SHALEWLO". */
  public static final long MAGIC = 0x5348414C45574C4FL;

  public static final int VERSION = 1;
  static final int HEADER_BYTES = 8 + 4 + 8 * 4 + 4 + 4;
  static final int RECORD_HEADER_BYTES = 8;
  private static final int PAYLOAD_PREFIX = 12;

  private WalObject() {}

  /** One replayable record. */
  public record Record(long firstSequence, WriteBatch batch) {
    public long lastSequence() {
      return firstSequence + batch.count() - 1;
    }
  }

  /**
   * A decoded object.
   *
   * @param epoch the writer epoch
   * @param id the object id
   * @param firstSequence the first sequence of its first record
   * @param lastSequence the last sequence of its last record
   * @param records its records, in order
   */
  public record Decoded(
      long epoch, long id, long firstSequence, long lastSequence, List<Record> records) {}

  /** Accumulates records for the next object. Not thread-safe. */
  public static final class Builder {
    private byte[] buffer = new byte[4096];
    private int length;
    private int count;
    private long firstSequence = -1;
    private long lastSequence = -1;

    /** Appends one batch's record. */
    public void add(long first, WriteBatch batch) {
      int payload = PAYLOAD_PREFIX + batch.encodedLength();
      ensure(RECORD_HEADER_BYTES + payload);
      ByteBuffer b = ByteBuffer.wrap(buffer, length, RECORD_HEADER_BYTES + payload);
      b.putInt(payload);
      int crcAt = b.position();
      b.putInt(0);
      int payloadAt = b.position();
      b.putLong(first).putInt(batch.count());
      batch.copyEncodedTo(buffer, payloadAt + PAYLOAD_PREFIX);
      CRC32C crc = new CRC32C();
      crc.update(buffer, payloadAt, payload);
      ByteBuffer.wrap(buffer, crcAt, 4).putInt((int) crc.getValue());
      length += RECORD_HEADER_BYTES + payload;
      count++;
      if (firstSequence < 0) {
        firstSequence = first;
      }
      lastSequence = first + batch.count() - 1;
    }

    public boolean isEmpty() {
      return count == 0;
    }

    /** Bytes of records collected. */
    public int sizeBytes() {
      return length;
    }

    public long firstSequence() {
      return firstSequence;
    }

    public long lastSequence() {
      return lastSequence;
    }

    /** The object's bytes for {@code epoch} and {@code id}; the builder is emptied. */
    public byte[] build(long epoch, long id) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.putLong(MAGIC).putInt(VERSION).putLong(epoch).putLong(id);
      header.putLong(firstSequence).putLong(lastSequence).putInt(count);
      CRC32C crc = new CRC32C();
      crc.update(header.array(), 0, header.position());
      header.putInt((int) crc.getValue());
      byte[] object = new byte[HEADER_BYTES + length];
      System.arraycopy(header.array(), 0, object, 0, HEADER_BYTES);
      System.arraycopy(buffer, 0, object, HEADER_BYTES, length);
      length = 0;
      count = 0;
      firstSequence = -1;
      lastSequence = -1;
      if (buffer.length > (4 << 20)) {
        buffer = new byte[4096]; // do not keep a large buffer after a burst
      }
      return object;
    }

    private void ensure(int more) {
      long needed = (long) length + more;
      if (needed > Integer.MAX_VALUE - 64) {
        throw new IllegalStateException("a WAL object cannot exceed 2 GiB");
      }
      if (needed > buffer.length) {
        buffer =
            Arrays.copyOf(
                buffer,
                (int) Math.max(needed, Math.min((long) buffer.length * 2, Integer.MAX_VALUE - 64)));
      }
    }
  }

  /**
   * Reads a non-empty object stored at {@code key}.
   *
   * @throws CorruptionException naming the key and offset for any damage
   */
  public static Decoded decode(String key, byte[] data) {
    if (data.length < HEADER_BYTES) {
      throw new CorruptionException(
          key, 0, "WAL object of " + data.length + " bytes is shorter than its header");
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    if (in.getLong() != MAGIC) {
      throw new CorruptionException(key, 0, "not a Shale WAL object (wrong magic)");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, HEADER_BYTES - 4);
    if (ByteBuffer.wrap(data, HEADER_BYTES - 4, 4).getInt() != (int) crc.getValue()) {
      throw new CorruptionException(key, 0, "WAL object header checksum mismatch");
    }
    int version = in.getInt();
    if (version != VERSION) {
      throw new CorruptionException(
          key, 8, "WAL object version " + version + "; this build reads " + VERSION);
    }
    long epoch = in.getLong();
    long id = in.getLong();
    long first = in.getLong();
    long last = in.getLong();
    int count = in.getInt();
    int at = HEADER_BYTES;
    List<Record> records = new ArrayList<>();
    long expected = first;
    for (int i = 0; i < count; i++) {
      if (data.length - at < RECORD_HEADER_BYTES) {
        throw new CorruptionException(key, at, "WAL object ends inside record " + i);
      }
      int payload = ByteBuffer.wrap(data, at, 4).getInt();
      int storedCrc = ByteBuffer.wrap(data, at + 4, 4).getInt();
      if (payload < PAYLOAD_PREFIX || payload > data.length - at - RECORD_HEADER_BYTES) {
        throw new CorruptionException(key, at, "record length " + payload + " is invalid");
      }
      CRC32C c = new CRC32C();
      c.update(data, at + RECORD_HEADER_BYTES, payload);
      if (storedCrc != (int) c.getValue()) {
        throw new CorruptionException(key, at, "record checksum mismatch");
      }
      ByteBuffer p = ByteBuffer.wrap(data, at + RECORD_HEADER_BYTES, PAYLOAD_PREFIX);
      long recordFirst = p.getLong();
      int ops = p.getInt();
      if (recordFirst != expected || ops <= 0) {
        throw new CorruptionException(
            key, at, "record sequence " + recordFirst + " (" + ops + " ops), expected " + expected);
      }
      WriteBatch batch;
      try {
        batch =
            WriteBatch.fromEncoded(
                data, at + RECORD_HEADER_BYTES + PAYLOAD_PREFIX, payload - PAYLOAD_PREFIX, ops);
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(key, at, "malformed batch: " + e.getMessage(), e);
      }
      records.add(new Record(recordFirst, batch));
      expected = recordFirst + ops;
      at += RECORD_HEADER_BYTES + payload;
    }
    if (at != data.length || (count > 0 && expected - 1 != last)) {
      throw new CorruptionException(
          key, at, "WAL object holds more or fewer bytes than its records");
    }
    return new Decoded(epoch, id, first, last, records);
  }
}
