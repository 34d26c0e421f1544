package dev.shale.lsm.engine.version;

import dev.shale.lsm.api.CorruptionException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One change to the tree's persistent state, as recorded in the manifest: files added and removed
 * per level, the next file number, the last flushed sequence, the oldest live WAL segment, and the
 * compaction strategy in use. Encoded as tagged fields (docs/formats.md, "Manifest"). Not
 * thread-safe.
 */
public final class VersionEdit {
  private static final int TAG_LOG_NUMBER = 1;
  private static final int TAG_NEXT_FILE_NUMBER = 2;
  private static final int TAG_LAST_SEQUENCE = 3;
  private static final int TAG_DELETED_FILE = 4;
  private static final int TAG_NEW_FILE = 5;
  private static final int TAG_COMPACTION_STRATEGY = 6;
  private static final int TAG_WRITER_EPOCH = 7;
  private static final int MAX_KEY = 1 << 24;

  /**
   * A removed file.
   *
   * @param level where it was
   * @param fileId its number
   */
  public record DeletedFile(int level, long fileId) {}

  /**
   * An added file.
   *
   * @param level where it goes
   * @param file what it holds
   */
  public record NewFile(int level, FileMeta file) {}

  private @Nullable Long logNumber;
  private @Nullable Long nextFileNumber;
  private @Nullable Long lastSequence;
  private @Nullable String compactionStrategy;
  private @Nullable Long writerEpoch;
  private final List<DeletedFile> deleted = new ArrayList<>();
  private final List<NewFile> added = new ArrayList<>();

  /** WAL segments below this id hold only flushed data. */
  public VersionEdit logNumber(long segmentId) {
    this.logNumber = segmentId;
    return this;
  }

  public VersionEdit nextFileNumber(long number) {
    this.nextFileNumber = number;
    return this;
  }

  /** Every write up to this sequence is in SSTables. */
  public VersionEdit lastSequence(long sequence) {
    this.lastSequence = sequence;
    return this;
  }

  public VersionEdit compactionStrategy(String name) {
    this.compactionStrategy = name;
    return this;
  }

  public VersionEdit writerEpoch(long epoch) {
    this.writerEpoch = epoch;
    return this;
  }

  public VersionEdit deleteFile(int level, long fileId) {
    deleted.add(new DeletedFile(level, fileId));
    return this;
  }

  public VersionEdit addFile(int level, FileMeta file) {
    added.add(new NewFile(level, file));
    return this;
  }

  public @Nullable Long logNumber() {
    return logNumber;
  }

  public @Nullable Long nextFileNumber() {
    return nextFileNumber;
  }

  public @Nullable Long lastSequence() {
    return lastSequence;
  }

  public @Nullable String compactionStrategy() {
    return compactionStrategy;
  }

  public @Nullable Long writerEpoch() {
    return writerEpoch;
  }

  public List<DeletedFile> deletedFiles() {
    return deleted;
  }

  public List<NewFile> addedFiles() {
    return added;
  }

  /** The edit's encoding: a sequence of {@code [tag u8][fields]}. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 96 * added.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (logNumber != null) {
        out.writeByte(TAG_LOG_NUMBER);
        out.writeLong(logNumber);
      }
      if (nextFileNumber != null) {
        out.writeByte(TAG_NEXT_FILE_NUMBER);
        out.writeLong(nextFileNumber);
      }
      if (lastSequence != null) {
        out.writeByte(TAG_LAST_SEQUENCE);
        out.writeLong(lastSequence);
      }
      if (compactionStrategy != null) {
        out.writeByte(TAG_COMPACTION_STRATEGY);
        byte[] name = compactionStrategy.getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
      }
      if (writerEpoch != null) {
        out.writeByte(TAG_WRITER_EPOCH);
        out.writeLong(writerEpoch);
      }
      for (DeletedFile d : deleted) {
        out.writeByte(TAG_DELETED_FILE);
        out.writeByte(d.level());
        out.writeLong(d.fileId());
      }
      for (NewFile n : added) {
        FileMeta f = n.file();
        out.writeByte(TAG_NEW_FILE);
        out.writeByte(n.level());
        out.writeLong(f.fileId());
        out.writeLong(f.sizeBytes());
        out.writeInt(f.smallestKey().length);
        out.write(f.smallestKey());
        out.writeInt(f.largestKey().length);
        out.write(f.largestKey());
        out.writeLong(f.smallestSequence());
        out.writeLong(f.largestSequence());
        out.writeLong(f.entryCount());
        out.writeLong(f.tombstoneCount());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes an edit.
   *
   * @param file the manifest, for messages
   * @param offset where the record starts, for messages
   * @throws CorruptionException for an unknown tag, a bad length or truncated fields
   */
  public static VersionEdit decode(byte[] data, String file, long offset) {
    VersionEdit edit = new VersionEdit();
    ByteBuffer in = ByteBuffer.wrap(data);
    try {
      while (in.hasRemaining()) {
        int tag = in.get() & 0xFF;
        switch (tag) {
          case TAG_LOG_NUMBER -> edit.logNumber = in.getLong();
          case TAG_NEXT_FILE_NUMBER -> edit.nextFileNumber = in.getLong();
          case TAG_LAST_SEQUENCE -> edit.lastSequence = in.getLong();
          case TAG_COMPACTION_STRATEGY -> {
            byte[] name = new byte[in.getShort() & 0xFFFF];
            in.get(name);
            edit.compactionStrategy = new String(name, StandardCharsets.UTF_8);
          }
          case TAG_WRITER_EPOCH -> edit.writerEpoch = in.getLong();
          case TAG_DELETED_FILE -> edit.deleted.add(new DeletedFile(in.get() & 0xFF, in.getLong()));
          case TAG_NEW_FILE -> {
            int level = in.get() & 0xFF;
            long fileId = in.getLong();
            long size = in.getLong();
            byte[] smallest = readKey(in, file, offset);
            byte[] largest = readKey(in, file, offset);
            FileMeta f =
                new FileMeta(
                    fileId,
                    size,
                    smallest,
                    largest,
                    in.getLong(),
                    in.getLong(),
                    in.getLong(),
                    in.getLong());
            edit.added.add(new NewFile(level, f));
          }
          default ->
              throw new CorruptionException(
                  file,
                  offset,
                  "unknown version edit tag " + tag + " at byte " + (in.position() - 1));
        }
      }
    } catch (BufferUnderflowException e) {
      throw new CorruptionException(file, offset, "version edit is truncated", e);
    }
    return edit;
  }

  private static byte[] readKey(ByteBuffer in, String file, long offset) {
    int length = in.getInt();
    if (length <= 0 || length > MAX_KEY || length > in.remaining()) {
      throw new CorruptionException(
          file, offset, "version edit key length " + length + " is invalid");
    }
    byte[] key = new byte[length];
    in.get(key);
    return key;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("VersionEdit{");
    if (logNumber != null) {
      sb.append(" logNumber=").append(logNumber);
    }
    if (nextFileNumber != null) {
      sb.append(" nextFile=").append(nextFileNumber);
    }
    if (lastSequence != null) {
      sb.append(" lastSequence=").append(lastSequence);
    }
    if (compactionStrategy != null) {
      sb.append(" strategy=").append(compactionStrategy);
    }
    if (writerEpoch != null) {
      sb.append(" epoch=").append(writerEpoch);
    }
    for (DeletedFile d : deleted) {
      sb.append(" -L").append(d.level()).append('#').append(d.fileId());
    }
    for (NewFile n : added) {
      sb.append(" +L").append(n.level()).append(n.file());
    }
    return sb.append(" }").toString();
  }
}
