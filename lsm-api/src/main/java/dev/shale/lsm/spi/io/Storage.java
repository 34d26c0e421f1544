package dev.shale.lsm.spi.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The local file system as storage plugins use it: create-once files, positional reads, atomic
 * renames and explicit directory syncs. Implementations are thread-safe.
 *
 * <p>Durability rules callers rely on: a file's data survives power loss after {@link
 * SequentialOutput#sync()}; its existence (creation, rename, deletion) after {@link #syncDirectory}
 * of its parent.
 */
public interface Storage {

  /**
   * Creates a new, empty file for writing.
   *
   * @throws java.nio.file.FileAlreadyExistsException when it exists
   */
  SequentialOutput create(Path file) throws IOException;

  /**
   * Opens an existing file for reading.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist
   */
  RandomAccessInput openInput(Path file) throws IOException;

  /** Whether a regular file exists at {@code file}. */
  boolean exists(Path file);

  /** The size of a file in bytes. */
  long size(Path file) throws IOException;

  /** The regular files directly in {@code directory}, sorted by name; empty when it is missing. */
  List<Path> list(Path directory) throws IOException;

  /** Deletes a file; a missing file is not an error. Sync the parent to make it durable. */
  void delete(Path file) throws IOException;

  /** Atomically renames {@code source} to {@code target}, replacing it. Sync the parent after. */
  void rename(Path source, Path target) throws IOException;

  /** Cuts a file to {@code size} bytes and syncs it. */
  void truncate(Path file, long size) throws IOException;

  /** Creates a directory and missing parents, syncing each new entry's parent. */
  void createDirectories(Path directory) throws IOException;

  /** Makes creations, renames and deletions in {@code directory} durable. */
  void syncDirectory(Path directory) throws IOException;

  /**
   * Takes an exclusive lock on {@code file} (created if needed), held until the returned handle is
   * closed, so that two processes never open one Db.
   *
   * @throws java.nio.channels.OverlappingFileLockException or an {@link IOException} when another
   *     holder has it
   */
  Closeable lock(Path file) throws IOException;

  /**
   * Takes a shared lock on {@code file} without creating or changing it, held until the returned
   * handle is closed: any number of shared holders (in this process and others) may hold it at
   * once, and it excludes {@link #lock} holders both ways. For read-only opens, which must change
   * no byte of a Db directory but must not read files that a writer changes under them.
   *
   * @return the handle, or null when {@code file} does not exist (then nothing is locked: no writer
   *     ever opened the directory through this file)
   * @throws IOException when an exclusive holder has it (the message says "locked"), or the lock
   *     cannot be taken
   * @throws UnsupportedOperationException when this storage cannot take shared locks (the default)
   */
  default @Nullable Closeable lockShared(Path file) throws IOException {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot take shared locks, which read-only opens need");
  }
}
