package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.VersionEdit;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One immutable manifest object: a full snapshot of the tree as the primary of {@code epoch} saw
 * it, written put-if-absent at {@code manifest/<id>}. Layout in docs/formats.md section 5.
 *
 * @param id the object's number
 * @param epoch the writer epoch that wrote it
 * @param replayAfterWalId WAL objects up to this id hold only data the tables already have
 * @param lastSequence every write up to this sequence is in the listed tables
 * @param nextFileNumber file numbers below it are used
 * @param writerId the writing process (host and a random id), for messages
 * @param createdMillis when it was written
 * @param levels the tables per level
 */
public record RemoteManifest(
    long id,
    long epoch,
    long replayAfterWalId,
    long lastSequence,
    long nextFileNumber,
    String writerId,
    long createdMillis,
    List<List<FileMeta>> levels) {

  /** "SHALERMF". */
  public static final long MAGIC = 0x5348414C45524D46L;

  public static final int VERSION = 1;

  /** The tables of every level. */
  public List<FileMeta> allFiles() {
    List<FileMeta> all = new ArrayList<>();
    levels.forEach(all::addAll);
    return all;
  }

  /** The object keys of its tables, sorted. */
  public java.util.SortedSet<String> tableKeys() {
    java.util.SortedSet<String> keys = new java.util.TreeSet<>();
    levels.forEach(level -> level.forEach(f -> keys.add(RemoteKeys.table(f.fileId()))));
    return keys;
  }

  /** The manifest's bytes. */
  public byte[] encode() {
    VersionEdit tree = new VersionEdit();
    for (int l = 0; l < levels.size(); l++) {
      for (FileMeta f : levels.get(l)) {
        tree.addFile(l, f);
      }
    }
    byte[] edit = tree.encode();
    byte[] writer = writerId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out =
        ByteBuffer.allocate(8 + 4 + 6 * 8 + 4 + 2 + writer.length + 4 + edit.length + 4);
    out.putLong(MAGIC).putInt(VERSION);
    out.putLong(id).putLong(epoch).putLong(replayAfterWalId).putLong(lastSequence);
    out.putLong(nextFileNumber).putLong(createdMillis);
    out.putInt(levels.size());
    out.putShort((short) writer.length).put(writer);
    out.putInt(edit.length).put(edit);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * Decodes the object stored at {@code key}.
   *
   * @throws CorruptionException naming the key and offset for any damage
   */
  public static RemoteManifest decode(String key, byte[] data) {
    if (data.length < 8 + 4 + 4) {
      throw new CorruptionException(
          key, 0, "manifest object of " + data.length + " bytes is too short");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
    ByteBuffer in = ByteBuffer.wrap(data, 0, data.length - 4);
    if (in.getLong() != MAGIC) {
      throw new CorruptionException(key, 0, "not a Shale manifest object (wrong magic)");
    }
    if (stored != (int) crc.getValue()) {
      throw new CorruptionException(key, data.length - 4, "manifest object checksum mismatch");
    }
    int version = in.getInt();
    if (version != VERSION) {
      throw new CorruptionException(
          key, 8, "manifest object version " + version + "; this build reads version " + VERSION);
    }
    try {
      long id = in.getLong();
      long epoch = in.getLong();
      long replayAfter = in.getLong();
      long lastSequence = in.getLong();
      long nextFile = in.getLong();
      long created = in.getLong();
      int numLevels = in.getInt();
      if (numLevels < 1 || numLevels > 64) {
        throw new CorruptionException(key, in.position() - 4, "invalid level count " + numLevels);
      }
      byte[] writer = new byte[in.getShort() & 0xFFFF];
      in.get(writer);
      int editLength = in.getInt();
      if (editLength < 0 || editLength > in.remaining()) {
        throw new CorruptionException(key, in.position() - 4, "invalid tree length " + editLength);
      }
      byte[] edit = new byte[editLength];
      int editOffset = in.position();
      in.get(edit);
      if (in.hasRemaining()) {
        throw new CorruptionException(key, in.position(), "bytes after the tree");
      }
      List<List<FileMeta>> levels = new ArrayList<>();
      for (int l = 0; l < numLevels; l++) {
        levels.add(new ArrayList<>());
      }
      for (VersionEdit.NewFile f : VersionEdit.decode(edit, key, editOffset).addedFiles()) {
        if (f.level() >= numLevels) {
          throw new CorruptionException(
              key, editOffset, "table in level " + f.level() + " of " + numLevels);
        }
        levels.get(f.level()).add(f.file());
      }
      return new RemoteManifest(
          id,
          epoch,
          replayAfter,
          lastSequence,
          nextFile,
          new String(writer, StandardCharsets.UTF_8),
          created,
          levels);
    } catch (BufferUnderflowException e) {
      throw new CorruptionException(key, in.position(), "manifest object is truncated", e);
    }
  }

  /** Whether {@code other} describes the same tree, replay point and counters. */
  public boolean sameState(RemoteManifest other) {
    return replayAfterWalId == other.replayAfterWalId
        && lastSequence == other.lastSequence
        && nextFileNumber == other.nextFileNumber
        && tableKeys().equals(other.tableKeys());
  }

  /** The same state under another id and epoch (a claim copies the newest manifest). */
  public RemoteManifest as(long newId, long newEpoch, String writer, long now) {
    return new RemoteManifest(
        newId, newEpoch, replayAfterWalId, lastSequence, nextFileNumber, writer, now, levels);
  }
}
