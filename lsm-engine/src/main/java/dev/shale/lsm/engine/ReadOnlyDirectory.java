package dev.shale.lsm.engine;

import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Db directory opened to read only: the one way a read-only open ({@link Engine#openReadOnly})
 * and the inspection tools ({@link DbInspector}) touch a Db they must not change.
 *
 * <p>It holds a shared lock on the directory's {@code LOCK} file ({@link Storage#lockShared}):
 * other readers may hold it too, a writer may not, because a writer's flushes, compactions and log
 * repairs change and delete the files being read. The lock is taken without creating or writing
 * anything; a directory without a {@code LOCK} file (a copy, a backup, read-only media: no writer
 * ever opened it in place) is read without a lock.
 *
 * <p>Its {@link #storage()} is a view that refuses every change with {@link IllegalStateException},
 * so that "reads leave every byte as it was" does not rest on every caller remembering it: a write
 * attempted by mistake fails loudly instead of changing the directory. Creating a directory is the
 * exception: it is a no-op, and a missing directory lists as empty (a Db that never flushed has no
 * {@code sst/}).
 */
final class ReadOnlyDirectory implements Closeable {
  private final Storage storage;
  private final @Nullable Closeable lock;

  private ReadOnlyDirectory(Storage storage, @Nullable Closeable lock) {
    this.storage = storage;
    this.lock = lock;
  }

  /**
   * Opens {@code directory} to read only.
   *
   * @throws IOException when a writer holds the directory (the message says so and what to do)
   */
  static ReadOnlyDirectory open(Storage storage, Path directory) throws IOException {
    Closeable lock;
    try {
      lock = storage.lockShared(directory.resolve("LOCK"));
    } catch (IOException e) {
      throw new IOException(
          e.getMessage()
              + ". A read-only open reads only a Db no one writes, because a writer changes and"
              + " deletes the files it would read: close the writer first, or read through it",
          e);
    }
    return new ReadOnlyDirectory(refusingChanges(storage), lock);
  }

  /**
   * {@code storage} refusing every change, without a lock: for tools that read one file (a
   * manifest, a table) that a writer never changes in place.
   */
  static Storage refusingChanges(Storage storage) {
    return storage instanceof Refusing ? storage : new Refusing(storage);
  }

  /** The directory's storage, refusing every change. */
  Storage storage() {
    return storage;
  }

  /** Releases the shared lock. */
  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.close();
    }
  }

  /** Reads through to the real storage; every change throws. */
  private static final class Refusing implements Storage {
    private final Storage delegate;

    Refusing(Storage delegate) {
      this.delegate = delegate;
    }

    @Override
    public SequentialOutput create(Path file) {
      throw refused("create", file);
    }

    @Override
    public RandomAccessInput openInput(Path file) throws IOException {
      return delegate.openInput(file);
    }

    @Override
    public boolean exists(Path file) {
      return delegate.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
      return delegate.size(file);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
      return delegate.list(directory);
    }

    @Override
    public void delete(Path file) {
      throw refused("delete", file);
    }

    @Override
    public void rename(Path source, Path target) {
      throw refused("rename", source);
    }

    @Override
    public void truncate(Path file, long size) {
      throw refused("truncate", file);
    }

    @Override
    public void createDirectories(Path directory) {
      // Nothing to do: a missing directory lists as empty, and nothing is ever created in it.
    }

    @Override
    public void syncDirectory(Path directory) {
      throw refused("sync", directory);
    }

    @Override
    public Closeable lock(Path file) {
      throw refused("lock exclusively", file);
    }

    @Override
    public @Nullable Closeable lockShared(Path file) throws IOException {
      return delegate.lockShared(file);
    }

    private static IllegalStateException refused(String what, Path file) {
      return new IllegalStateException(
          "a read-only open tried to " + what + " " + file + " (a bug): nothing was changed");
    }
  }
}
