package dev.shale.lsm.engine.version;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifest file: a header then one framed record per {@link VersionEdit}, each synced before
 * the change it describes is used. Layout in docs/formats.md ("Manifest").
 *
 * <p>Reading reports damage to the last record as a {@link SuspectTail} instead of failing: a write
 * torn by a power loss looks exactly like that, but so does a damaged or cut-off record that was
 * fsynced and used. The reader cannot tell them apart; the engine can, by checking the tables and
 * the log against the shortened manifest, so it decides (and never deletes a table on the strength
 * of a manifest with a suspect tail). Damage anywhere else, or in the first record (the snapshot,
 * synced before CURRENT names the file), is a {@link CorruptionException}.
 */
public final class ManifestLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestLog.class);

  /** "SHALEMAN" in ASCII. */
  public static final long MAGIC = 0x5348414C454D414EL;

  public static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  static final int RECORD_HEADER_BYTES = 12;
  private static final int MAX_RECORD = 64 << 20;

  private final SequentialOutput output;

  private ManifestLog(SequentialOutput output) {
    this.output = output;
  }

  /** Creates a new manifest file holding the header, synced. */
  public static ManifestLog create(Storage storage, Path file) throws IOException {
    SequentialOutput out = storage.create(file);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.putLong(MAGIC).putInt(VERSION);
      header.putInt(crc(header.array(), 0, 12));
      out.write(header.array());
      out.sync();
      return new ManifestLog(out);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Appends one edit and syncs it: when this returns the edit survives power loss. */
  public void append(VersionEdit edit) throws IOException {
    byte[] payload = edit.encode();
    ByteBuffer frame = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length);
    frame.putInt(payload.length);
    frame.putInt(crc(frame.array(), 0, 4));
    frame.putInt(crc(payload, 0, payload.length));
    frame.put(payload);
    output.write(frame.array());
    output.sync();
  }

  /** Bytes in the file. */
  public long size() {
    return output.position();
  }

  @Override
  public void close() throws IOException {
    output.close();
  }

  /**
   * Where a manifest's last record is damaged or cut off.
   *
   * @param offset where the record starts
   * @param bytes bytes from there to the end of the file
   * @param what what is wrong with it
   */
  public record SuspectTail(long offset, long bytes, String what) {}

  /**
   * What a manifest holds.
   *
   * @param edits the intact edits, oldest first
   * @param suspectTail the damaged or cut-off last record, or null when the file ends cleanly
   * @param length the file's length in bytes
   */
  public record Contents(List<VersionEdit> edits, @Nullable SuspectTail suspectTail, long length) {}

  /**
   * Reads every edit of a manifest. Changes nothing.
   *
   * @throws CorruptionException naming the file and offset of any damage but a damaged or cut-off
   *     last record after the first
   */
  public static Contents read(Storage storage, Path file) throws IOException {
    byte[] data;
    try (RandomAccessInput in = storage.openInput(file)) {
      if (in.length() > Integer.MAX_VALUE - 16) {
        throw new CorruptionException(file.toString(), 0, "manifest is implausibly large");
      }
      data = new byte[(int) in.length()];
      in.readFully(0, data, 0, data.length);
    }
    String name = file.toString();
    if (data.length < HEADER_BYTES) {
      throw new CorruptionException(
          name, 0, "manifest is " + data.length + " bytes, shorter than its header");
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    long magic = buf.getLong();
    int version = buf.getInt();
    int headerCrc = buf.getInt();
    if (magic != MAGIC) {
      throw new CorruptionException(name, 0, String.format("not a manifest: magic 0x%016x", magic));
    }
    if (headerCrc != crc(data, 0, 12)) {
      throw new CorruptionException(name, 0, "manifest header checksum mismatch");
    }
    if (version != VERSION) {
      throw new CorruptionException(
          name, 8, "manifest format version " + version + "; this build reads version " + VERSION);
    }
    List<VersionEdit> edits = new ArrayList<>();
    int at = HEADER_BYTES;
    SuspectTail suspect = null;
    while (at < data.length) {
      String damage = recordDamage(data, at);
      if (damage != null) {
        if (!lastRecordSpan(data, at)) {
          throw new CorruptionException(name, at, damage + ", and more records follow");
        }
        suspect = new SuspectTail(at, data.length - at, damage);
        break;
      }
      int length = ByteBuffer.wrap(data, at, 4).getInt();
      byte[] payload = new byte[length];
      System.arraycopy(data, at + RECORD_HEADER_BYTES, payload, 0, length);
      edits.add(VersionEdit.decode(payload, name, at));
      at += RECORD_HEADER_BYTES + length;
    }
    if (suspect != null && edits.isEmpty()) {
      // The first record is the snapshot, synced before CURRENT names this file: never torn.
      throw new CorruptionException(
          name, suspect.offset(), "the manifest's snapshot record is damaged: " + suspect.what());
    }
    if (suspect != null) {
      LOG.warn(
          "{}: the last manifest record at offset {} ({} bytes) is damaged or cut off: {}",
          name,
          suspect.offset(),
          suspect.bytes(),
          suspect.what());
    }
    return new Contents(List.copyOf(edits), suspect, data.length);
  }

  /** What is wrong with the record at {@code at}, or null when it is intact. */
  private static @Nullable String recordDamage(byte[] data, int at) {
    int remaining = data.length - at;
    if (remaining < RECORD_HEADER_BYTES) {
      return "a record header is cut off";
    }
    int length = ByteBuffer.wrap(data, at, 4).getInt();
    if (ByteBuffer.wrap(data, at + 4, 4).getInt() != crc(data, at, 4)) {
      return allZero(data, at) ? "the tail is zero-filled" : "record length checksum mismatch";
    }
    if (length < 0 || length > MAX_RECORD) {
      return "record length " + length + " is invalid";
    }
    long end = (long) at + RECORD_HEADER_BYTES + length;
    if (end > data.length) {
      return "the record is cut off (" + length + " payload bytes, " + remaining + " left)";
    }
    if (ByteBuffer.wrap(data, at + 8, 4).getInt() != crc(data, at + RECORD_HEADER_BYTES, length)) {
      return "record checksum mismatch";
    }
    return null;
  }

  /**
   * Whether the damaged record at {@code at} may be the last one: no intact record starts anywhere
   * after it (a torn write leaves nothing behind it; damage in the middle of the log does).
   */
  private static boolean lastRecordSpan(byte[] data, int at) {
    for (int next = at + 1; next + RECORD_HEADER_BYTES <= data.length; next++) {
      if (recordDamage(data, next) == null && ByteBuffer.wrap(data, next, 4).getInt() > 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZero(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }

  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
