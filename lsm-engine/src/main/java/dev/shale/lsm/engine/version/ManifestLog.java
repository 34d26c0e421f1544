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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifest file: a header then one framed record per {@link VersionEdit}, each synced before
 * the change it describes is used. Layout in docs/formats.md ("Manifest").
 *
 * <p>Reading tolerates exactly one kind of damage, a torn last record (the edit was never
 * acknowledged, so nothing depends on it); anything else is a {@link CorruptionException}: a
 * manifest read wrongly would make the engine delete live files.
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
   * Reads every edit of a manifest.
   *
   * @throws CorruptionException naming the file and offset of any damage but a torn last record
   */
  public static List<VersionEdit> read(Storage storage, Path file) throws IOException {
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
    while (at < data.length) {
      int remaining = data.length - at;
      if (remaining < RECORD_HEADER_BYTES) {
        tornTail(name, at, "a record header is incomplete", data);
        break;
      }
      int length = ByteBuffer.wrap(data, at, 4).getInt();
      int lengthCrc = ByteBuffer.wrap(data, at + 4, 4).getInt();
      if (lengthCrc != crc(data, at, 4)) {
        if (allZero(data, at)) {
          tornTail(name, at, "the tail is zero-filled", data);
          break;
        }
        throw new CorruptionException(name, at, "manifest record length checksum mismatch");
      }
      if (length < 0 || length > MAX_RECORD) {
        throw new CorruptionException(name, at, "manifest record length " + length + " is invalid");
      }
      int end = at + RECORD_HEADER_BYTES + length;
      if (end > data.length || end < 0) {
        tornTail(name, at, "the last record is cut short", data);
        break;
      }
      int payloadCrc = ByteBuffer.wrap(data, at + 8, 4).getInt();
      if (payloadCrc != crc(data, at + RECORD_HEADER_BYTES, length)) {
        if (end == data.length) {
          tornTail(name, at, "the last record fails its checksum", data);
          break;
        }
        throw new CorruptionException(name, at, "manifest record checksum mismatch");
      }
      byte[] payload = new byte[length];
      System.arraycopy(data, at + RECORD_HEADER_BYTES, payload, 0, length);
      edits.add(VersionEdit.decode(payload, name, at));
      at = end;
    }
    return edits;
  }

  private static void tornTail(String file, int offset, String what, byte[] data) {
    LOG.warn(
        "{}: ignoring a torn last manifest record at offset {} ({}; {} bytes): it was never"
            + " acknowledged",
        file,
        offset,
        what,
        data.length - offset);
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
