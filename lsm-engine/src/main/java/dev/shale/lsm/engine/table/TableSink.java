package dev.shale.lsm.engine.table;

import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Writes a sorted stream of internal entries into one or more new SSTables, starting a new file
 * when the current one reaches the target size, but never between two versions of one user key (so
 * files of a sorted level never share a key). Each finished file is synced; {@link #finish()} syncs
 * the directory. Files stay unreferenced until the caller records them in the manifest, and {@link
 * #abandon()} deletes them. Not thread-safe.
 */
public final class TableSink {
  private final Storage storage;
  private final Path directory;
  private final LongFunction<Path> pathOf;
  private final SSTableFormat format;
  private final TableWriterOptions options;
  private final LongSupplier newFileNumber;
  private final long targetFileBytes;
  private final List<FileMeta> finished = new ArrayList<>();
  private final List<Path> created = new ArrayList<>();
  private @Nullable SSTableWriter writer;
  private @Nullable SequentialOutput output;
  private long currentFileId;
  private byte @Nullable [] lastKey;
  private long bytesWritten;

  public TableSink(
      Storage storage,
      Path directory,
      LongFunction<Path> pathOf,
      SSTableFormat format,
      TableWriterOptions options,
      LongSupplier newFileNumber,
      long targetFileBytes) {
    this.storage = storage;
    this.directory = directory;
    this.pathOf = pathOf;
    this.format = format;
    this.options = options;
    this.newFileNumber = newFileNumber;
    this.targetFileBytes = targetFileBytes;
  }

  /** Adds the next entry; entries come in internal-key order. */
  public void add(byte[] key, long sequence, EntryKind kind, byte[] value) throws IOException {
    SSTableWriter w = writer;
    if (w != null
        && w.estimatedFileSize() >= targetFileBytes
        && lastKey != null
        && !Arrays.equals(lastKey, key)) {
      finishCurrent();
      w = null;
    }
    if (w == null) {
      w = start();
    }
    w.add(key, sequence, kind, value);
    lastKey = key;
  }

  /** Finishes the last file; returns every file written, in key order. */
  public List<FileMeta> finish() throws IOException {
    if (writer != null) {
      finishCurrent();
    }
    if (!created.isEmpty()) {
      storage.syncDirectory(directory);
    }
    return List.copyOf(finished);
  }

  /** Bytes of the files finished so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Closes and deletes everything written; used when the job fails or is cancelled. */
  public void abandon() {
    SSTableWriter w = writer;
    if (w != null) {
      w.close();
    }
    closeQuietly();
    for (Path p : created) {
      try {
        storage.delete(p);
      } catch (IOException ignored) {
        // An orphan left here is deleted when the Db next opens.
      }
    }
    writer = null;
  }

  private SSTableWriter start() throws IOException {
    currentFileId = newFileNumber.getAsLong();
    Path path = pathOf.apply(currentFileId);
    SequentialOutput out = storage.create(path);
    created.add(path);
    output = out;
    SSTableWriter w = format.newWriter(out, options);
    writer = w;
    return w;
  }

  private void finishCurrent() throws IOException {
    SSTableWriter w = writer;
    SequentialOutput out = output;
    if (w == null || out == null) {
      return;
    }
    TableProperties properties = w.finish();
    out.sync();
    long size = out.position();
    out.close();
    w.close();
    writer = null;
    output = null;
    bytesWritten += size;
    finished.add(FileMeta.of(currentFileId, size, properties));
  }

  private void closeQuietly() {
    SequentialOutput out = output;
    output = null;
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // The file is deleted right after.
      }
    }
  }
}
