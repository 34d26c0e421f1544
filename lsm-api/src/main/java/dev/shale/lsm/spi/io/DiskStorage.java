package dev.shale.lsm.spi.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** {@link Storage} on the local file system through {@link FileChannel}. Thread-safe. */
public final class DiskStorage implements Storage {
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
  private static final int BUFFER_BYTES = 64 * 1024;

  private static final DiskStorage INSTANCE = new DiskStorage();

  /** Shared locks this process holds, by file key (see {@link #lockShared}). */
  private static final Map<Object, SharedLock> SHARED_LOCKS = new HashMap<>();

  private DiskStorage() {}

  /** The shared instance. */
  public static DiskStorage instance() {
    return INSTANCE;
  }

  @Override
  public SequentialOutput create(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new ChannelOutput(file, channel);
  }

  @Override
  public RandomAccessInput openInput(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    return new ChannelInput(file, channel, channel.size());
  }

  @Override
  public boolean exists(Path file) {
    return Files.isRegularFile(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      List<Path> files = new ArrayList<>();
      entries.filter(Files::isRegularFile).forEach(files::add);
      files.sort(null);
      return files;
    }
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
      channel.force(true);
    }
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath();
    List<Path> created = new ArrayList<>();
    for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
      created.add(0, p);
    }
    Files.createDirectories(absolute);
    for (Path p : created) {
      Path parent = p.getParent();
      if (parent != null) {
        syncDirectory(parent);
      }
    }
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    if (WINDOWS) {
      return; // Windows cannot open a directory as a channel; NTFS journals metadata instead.
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public Closeable lock(Path file) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          file + " is locked: the Db is open in another process (or another Db object here)");
    }
    FileLock held = lock;
    return () -> {
      try (channel) {
        held.release();
      }
    };
  }

  /**
   * {@inheritDoc}
   *
   * <p>The JVM refuses a second lock on a file it already holds a lock on, even a shared one, so
   * shared holders in this process share one lock, counted, released when the last one closes.
   */
  @Override
  public @Nullable Closeable lockShared(Path file) throws IOException {
    Object key;
    try {
      key = fileKey(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    synchronized (SHARED_LOCKS) {
      SharedLock shared = SHARED_LOCKS.get(key);
      if (shared == null) {
        FileChannel channel;
        try {
          channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          return null;
        }
        FileLock lock;
        try {
          lock = channel.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
          lock = null; // held exclusively by this process
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        if (lock == null) {
          channel.close();
          throw new IOException(
              file
                  + " is locked: the Db is open for writing in another process (or another Db"
                  + " object here)");
        }
        shared = new SharedLock(channel);
        SHARED_LOCKS.put(key, shared);
      }
      shared.holders++;
      SharedLock held = shared;
      AtomicBoolean released = new AtomicBoolean();
      return () -> {
        if (released.compareAndSet(false, true)) {
          release(key, held);
        }
      };
    }
  }

  private static void release(Object key, SharedLock shared) throws IOException {
    synchronized (SHARED_LOCKS) {
      if (--shared.holders == 0) {
        SHARED_LOCKS.remove(key);
        shared.channel.close(); // releases the lock
      }
    }
  }

  /** What identifies a file whatever path names it (the inode where the platform has one). */
  private static Object fileKey(Path file) throws IOException {
    Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    return key != null ? key : file.toRealPath();
  }

  /** The shared lock this process holds on one file, and how many handles use it. */
  private static final class SharedLock {
    final FileChannel channel;
    int holders;

    SharedLock(FileChannel channel) {
      this.channel = channel;
    }
  }

  /** Buffered writer; large writes bypass the buffer. */
  private static final class ChannelOutput implements SequentialOutput {
    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private long position;
    private boolean closed;

    ChannelOutput(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public String name() {
      return path.toString();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ensureOpen();
      if (length > buffer.remaining()) {
        drain();
        if (length >= buffer.capacity()) {
          writeFully(ByteBuffer.wrap(bytes, offset, length));
          position += length;
          return;
        }
      }
      buffer.put(bytes, offset, length);
      position += length;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void flush() throws IOException {
      ensureOpen();
      drain();
    }

    @Override
    public void sync() throws IOException {
      flush();
      channel.force(false);
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (channel) {
        drain();
      }
    }

    private void drain() throws IOException {
      buffer.flip();
      writeFully(buffer);
      buffer.clear();
    }

    private void writeFully(ByteBuffer src) throws IOException {
      while (src.hasRemaining()) {
        channel.write(src);
      }
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException(path + " is closed");
      }
    }
  }

  private static final class ChannelInput implements RandomAccessInput {
    private final Path path;
    private final FileChannel channel;
    private final long length;

    ChannelInput(Path path, FileChannel channel, long length) {
      this.path = path;
      this.channel = channel;
      this.length = length;
    }

    @Override
    public String name() {
      return path.toString();
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public void readFully(long position, byte[] dst, int offset, int len) throws IOException {
      ByteBuffer target = ByteBuffer.wrap(dst, offset, len);
      long at = position;
      while (target.hasRemaining()) {
        int n = channel.read(target, at);
        if (n < 0) {
          throw new EOFException(
              path
                  + ": read of "
                  + len
                  + " bytes at "
                  + position
                  + " passes the end ("
                  + length
                  + ")");
        }
        at += n;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
