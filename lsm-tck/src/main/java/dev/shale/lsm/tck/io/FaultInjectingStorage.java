package dev.shale.lsm.tck.io;

import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} wrapper for tests that counts syncs, injects I/O failures and simulates power
 * loss on top of any delegate (usually {@link dev.shale.lsm.spi.io.DiskStorage} in a temporary
 * directory). Thread-safe: every operation holds this object's lock.
 *
 * <p><b>Failures</b> (each fires on the next matching operation, through any file):
 *
 * <ul>
 *   <li>{@link #failNextWrites}: writes throw {@link IOException} and write nothing.
 *   <li>{@link #failNextSyncs}: file syncs, {@link #truncate} (which syncs) and directory syncs
 *       throw; a failed file sync still hands the buffered bytes to the OS but makes nothing
 *       durable (as Linux does when fsync fails).
 *   <li>{@link #diskFullAfter}: after that many more bytes, a write stores what fits and throws
 *       {@code IOException("No space left on device")}, and so does every later write until {@link
 *       #clearFaults}. Only data writes run out of space (creating, renaming and syncing still
 *       work).
 *   <li>{@link #tearNextWrite}: the next write stores a random strict prefix of its bytes and
 *       throws, as a write interrupted by a crash would.
 *   <li>{@link #crashAtOperation}: the n-th changing operation from now (create, write, flush,
 *       sync, truncate, delete, rename, directory sync) and every one after it throw, as if the
 *       process had died there; follow with {@link #simulatePowerLoss} to see what a crash at that
 *       point leaves. {@link #changes()} counts those operations, to find every point.
 * </ul>
 *
 * <p><b>Power loss</b> ({@link #simulatePowerLoss}), pessimistic and exactly as follows:
 *
 * <ul>
 *   <li>Data: each file written through this wrapper is cut back to its length at its last {@link
 *       SequentialOutput#sync()} (or {@link #truncate}); what happens to the rest is chosen by
 *       {@link UnsyncedData}. Bytes count as handed to the operating system at {@code flush()},
 *       {@code sync()} and {@code close()}; bytes never handed over are always lost.
 *   <li>Names: every {@link #create}, {@link #delete} and {@link #rename} in a directory since that
 *       directory's last {@link #syncDirectory} is undone, newest first (a deleted file comes back
 *       with its durable bytes, a renamed file goes back to its old name, a replaced target gets
 *       its old bytes back). A directory sync makes every earlier operation in that directory
 *       durable; a rename across directories needs both synced.
 *   <li>Not modelled: directories themselves (never lost), files that existed before this wrapper
 *       saw them (durable as they are), reordering of writes within a file (only prefixes survive,
 *       or a zeroed suffix), and data corruption of synced bytes.
 *   <li>Afterwards every output opened before the loss is dead (writes, flushes and syncs throw,
 *       {@code close()} is harmless), locks are released, and everything on disk counts as durable.
 *       Injected failures stay armed until {@link #clearFaults}.
 * </ul>
 *
 * <p>Deleted files and replaced rename targets are kept in memory until their directory is synced,
 * so this wrapper is for test-sized data.
 */
public final class FaultInjectingStorage implements Storage {

  /** What a simulated power loss leaves of each file's bytes written since its last sync. */
  public enum UnsyncedData {
    /** They are all lost. */
    LOST,
    /** A random prefix (possibly empty, possibly all) of those handed to the OS survives. */
    TORN,
    /**
     * The file keeps a random length up to what was handed to the OS, but the unsynced part reads
     * as zeros (the size reached the disk before the data, as on ext4 writeback or XFS).
     */
    ZEROED
  }

  private final Storage delegate;
  private final Random random;

  private long writes;
  private long fileSyncs;
  private long directorySyncs;
  private int writesToFail;
  private int syncsToFail;
  private long spaceLeft = -1;
  private boolean tearNext;
  private long changes;
  private long crashAt = -1;

  /** Files written through this wrapper whose data is not all durable, by absolute path. */
  private final Map<Path, FileState> files = new HashMap<>();

  /** Namespace operations not yet made durable, by directory. */
  private final Map<Path, List<NamespaceOperation>> unsynced = new HashMap<>();

  private final List<TrackedOutput> outputs = new ArrayList<>();
  private final List<Closeable> locks = new ArrayList<>();
  private long operationCounter;

  /** Wraps {@code delegate}, with a fixed seed for the random choices. */
  public FaultInjectingStorage(Storage delegate) {
    this(delegate, 0x5EEDL);
  }

  /** Wraps {@code delegate}; {@code seed} drives torn lengths, so a failing run can be repeated. */
  public FaultInjectingStorage(Storage delegate, long seed) {
    this.delegate = delegate;
    this.random = new Random(seed);
  }

  // ---- counters -------------------------------------------------------------------------------

  /**
   * Calls to {@link SequentialOutput#write} that stored bytes (what a log's group commit keeps to
   * one per group).
   */
  public synchronized long writes() {
    return writes;
  }

  /** File syncs that succeeded: {@link SequentialOutput#sync()} and {@link #truncate} calls. */
  public synchronized long fileSyncs() {
    return fileSyncs;
  }

  /** Directory syncs that succeeded. */
  public synchronized long directorySyncs() {
    return directorySyncs;
  }

  // ---- failures -------------------------------------------------------------------------------

  /** Makes the next {@code count} writes throw {@link IOException} without writing anything. */
  public synchronized void failNextWrites(int count) {
    writesToFail = requireNonNegative(count);
  }

  /** Makes the next {@code count} syncs (file, truncate or directory) throw {@link IOException}. */
  public synchronized void failNextSyncs(int count) {
    syncsToFail = requireNonNegative(count);
  }

  /**
   * Lets {@code bytes} more bytes be written, then fills the disk: the write that crosses the limit
   * stores what fits and throws "No space left on device", as does every write after it.
   */
  public synchronized void diskFullAfter(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
    }
    spaceLeft = bytes;
  }

  /** Makes the next write store a random strict prefix of its bytes and throw. */
  public synchronized void tearNextWrite() {
    tearNext = true;
  }

  /**
   * Makes the {@code n}-th changing operation from now (1 for the next one) and every later one
   * throw {@link IOException} without doing anything, as if the process died just before it.
   */
  public synchronized void crashAtOperation(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
    crashAt = changes + n;
  }

  /**
   * Changing operations (create, write, flush, sync, truncate, delete, rename, dir sync) so far.
   */
  public synchronized long changes() {
    return changes;
  }

  /** Disarms every injected failure and frees the disk. */
  public synchronized void clearFaults() {
    writesToFail = 0;
    syncsToFail = 0;
    spaceLeft = -1;
    tearNext = false;
    crashAt = -1;
  }

  // ---- power loss -----------------------------------------------------------------------------

  /** Simulates power loss, losing every unsynced byte. */
  public void simulatePowerLoss() throws IOException {
    simulatePowerLoss(UnsyncedData.LOST);
  }

  /** Simulates power loss (see the class comment for exactly what survives). */
  public synchronized void simulatePowerLoss(UnsyncedData unsyncedData) throws IOException {
    for (TrackedOutput output : outputs) {
      output.die();
    }
    outputs.clear();
    undoUnsyncedNamespaceOperations();
    for (Map.Entry<Path, FileState> e : files.entrySet()) {
      cutToDurable(e.getKey(), e.getValue(), unsyncedData);
    }
    files.clear();
    for (Closeable lock : locks) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // the holder is gone with the power
      }
    }
    locks.clear();
  }

  private void undoUnsyncedNamespaceOperations() throws IOException {
    // A cross-directory rename is listed under both directories; order numbers are unique.
    TreeMap<Long, NamespaceOperation> all = new TreeMap<>();
    for (List<NamespaceOperation> list : unsynced.values()) {
      for (NamespaceOperation op : list) {
        all.put(op.order(), op);
      }
    }
    unsynced.clear();
    for (NamespaceOperation op : all.descendingMap().values()) {
      switch (op) {
        case Created c -> {
          delegate.delete(c.file());
          files.remove(key(c.file()));
        }
        case Deleted d -> {
          writeDurably(d.file(), d.durableBytes(), d.durableBytes().length);
          files.remove(key(d.file()));
        }
        case Renamed r -> {
          delegate.rename(r.target(), r.source());
          FileState moved = files.remove(key(r.target()));
          if (moved != null) {
            files.put(key(r.source()), moved);
          }
          byte[] previous = r.previousTargetBytes();
          if (previous != null) {
            writeDurably(r.target(), previous, previous.length);
          }
        }
      }
    }
  }

  private void cutToDurable(Path file, FileState state, UnsyncedData unsyncedData)
      throws IOException {
    if (!delegate.exists(file)) {
      return;
    }
    long onDisk = delegate.size(file);
    long handedOver = Math.min(state.flushed, onDisk);
    long synced = Math.min(state.synced, handedOver);
    long extra =
        unsyncedData == UnsyncedData.LOST || handedOver <= synced
            ? 0
            : (long) (random.nextDouble() * (handedOver - synced + 1));
    extra = Math.min(extra, handedOver - synced);
    if (unsyncedData == UnsyncedData.ZEROED && extra > 0) {
      byte[] bytes = new byte[Math.toIntExact(synced + extra)];
      readInto(file, bytes, Math.toIntExact(synced));
      delegate.delete(file);
      writeDurably(file, bytes, bytes.length);
    } else if (synced + extra < onDisk) {
      delegate.truncate(file, synced + extra);
    }
  }

  // ---- Storage --------------------------------------------------------------------------------

  @Override
  public synchronized SequentialOutput create(Path file) throws IOException {
    change("create " + file);
    SequentialOutput out = delegate.create(file);
    FileState state = new FileState();
    files.put(key(file), state);
    record(new Created(file, nextOrder()), file);
    TrackedOutput tracked = new TrackedOutput(out, state);
    outputs.add(tracked);
    return tracked;
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
  public synchronized void delete(Path file) throws IOException {
    if (!delegate.exists(file)) {
      return;
    }
    change("delete " + file);
    byte[] durable = durableBytes(file);
    delegate.delete(file);
    files.remove(key(file));
    record(new Deleted(file, durable, nextOrder()), file);
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    change("rename " + source);
    byte[] previous = delegate.exists(target) ? durableBytes(target) : null;
    delegate.rename(source, target);
    FileState moved = files.remove(key(source));
    files.remove(key(target));
    if (moved != null) {
      files.put(key(target), moved);
    }
    Renamed op = new Renamed(source, target, previous, nextOrder());
    record(op, source);
    record(op, target);
  }

  /** {@inheritDoc} Counts as a file sync (and fails like one). */
  @Override
  public synchronized void truncate(Path file, long size) throws IOException {
    change("truncate " + file);
    consumeSyncFailure("truncate of " + file);
    delegate.truncate(file, size);
    fileSyncs++;
    FileState state = files.get(key(file));
    if (state != null) {
      state.written = size;
      state.flushed = size;
      state.synced = size;
    }
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    delegate.createDirectories(directory);
  }

  @Override
  public synchronized void syncDirectory(Path directory) throws IOException {
    change("sync of directory " + directory);
    consumeSyncFailure("sync of directory " + directory);
    delegate.syncDirectory(directory);
    directorySyncs++;
    unsynced.remove(key(directory));
  }

  @Override
  public synchronized Closeable lock(Path file) throws IOException {
    Closeable lock = delegate.lock(file);
    locks.add(lock);
    return () -> {
      synchronized (FaultInjectingStorage.this) {
        if (locks.remove(lock)) {
          lock.close();
        }
      }
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Counts one changing operation; throws once the crash point is reached. */
  private void change(String what) throws IOException {
    changes++;
    if (crashAt >= 0 && changes >= crashAt) {
      throw new IOException("injected crash before " + what);
    }
  }

  private void consumeSyncFailure(String what) throws IOException {
    if (syncsToFail > 0) {
      syncsToFail--;
      throw new IOException("injected sync failure: " + what);
    }
  }

  private byte[] durableBytes(Path file) throws IOException {
    long size = delegate.size(file);
    FileState state = files.get(key(file));
    long durable = state == null ? size : Math.min(size, state.synced);
    byte[] bytes = new byte[Math.toIntExact(durable)];
    readInto(file, bytes, bytes.length);
    return bytes;
  }

  private void readInto(Path file, byte[] bytes, int length) throws IOException {
    if (length == 0) {
      return;
    }
    try (RandomAccessInput in = delegate.openInput(file)) {
      in.readFully(0, bytes, 0, length);
    }
  }

  private void writeDurably(Path file, byte[] bytes, int length) throws IOException {
    try (SequentialOutput out = delegate.create(file)) {
      out.write(bytes, 0, length);
      out.sync();
    }
  }

  private void record(NamespaceOperation op, Path file) {
    Path parent = key(file).getParent();
    if (parent != null) {
      unsynced.computeIfAbsent(parent, p -> new ArrayList<>()).add(op);
    }
  }

  private long nextOrder() {
    return operationCounter++;
  }

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }

  private static int requireNonNegative(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    return count;
  }

  /** How much of a file written through this wrapper is where. */
  private static final class FileState {
    long written;
    long flushed;
    long synced;
  }

  private sealed interface NamespaceOperation permits Created, Deleted, Renamed {
    long order();
  }

  private record Created(Path file, long order) implements NamespaceOperation {}

  @SuppressWarnings("ArrayRecordComponent") // never compared: operations are told apart by order
  private record Deleted(Path file, byte[] durableBytes, long order)
      implements NamespaceOperation {}

  @SuppressWarnings("ArrayRecordComponent") // never compared: operations are told apart by order
  private record Renamed(
      Path source, Path target, byte @Nullable [] previousTargetBytes, long order)
      implements NamespaceOperation {}

  /** An output whose bytes are accounted for, so power loss knows what was synced. */
  private final class TrackedOutput implements SequentialOutput {
    private final SequentialOutput out;
    private final FileState state;
    private boolean dead;
    private boolean closed;

    TrackedOutput(SequentialOutput out, FileState state) {
      this.out = out;
      this.state = state;
    }

    @Override
    public String name() {
      return out.name();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      synchronized (FaultInjectingStorage.this) {
        checkAlive();
        change("write to " + name());
        if (writesToFail > 0) {
          writesToFail--;
          throw new IOException("injected write failure: " + name());
        }
        int allowed = length;
        boolean torn = false;
        if (tearNext && length > 0) {
          tearNext = false;
          torn = true;
          allowed = random.nextInt(length);
        }
        boolean full = false;
        if (spaceLeft >= 0 && spaceLeft < allowed) {
          allowed = (int) spaceLeft;
          full = true;
        }
        if (allowed > 0) {
          out.write(bytes, offset, allowed);
          writes++;
          state.written += allowed;
          if (spaceLeft >= 0) {
            spaceLeft -= allowed;
          }
        }
        if (full) {
          throw new IOException("No space left on device: " + name());
        }
        if (torn) {
          throw new IOException(
              "injected torn write: " + allowed + " of " + length + " bytes reached " + name());
        }
      }
    }

    @Override
    public long position() {
      synchronized (FaultInjectingStorage.this) {
        return out.position();
      }
    }

    @Override
    public void flush() throws IOException {
      synchronized (FaultInjectingStorage.this) {
        checkAlive();
        change("flush of " + name());
        out.flush();
        state.flushed = state.written;
      }
    }

    @Override
    public void sync() throws IOException {
      synchronized (FaultInjectingStorage.this) {
        checkAlive();
        change("sync of " + name());
        out.flush();
        state.flushed = state.written;
        consumeSyncFailure("sync of " + name());
        out.sync();
        state.synced = state.written;
        fileSyncs++;
      }
    }

    @Override
    public void close() throws IOException {
      synchronized (FaultInjectingStorage.this) {
        if (dead || closed) {
          return;
        }
        closed = true;
        outputs.remove(this);
        out.close();
        state.flushed = state.written;
      }
    }

    /** Power is gone: pushes the delegate's buffer out (power loss then cuts it) and dies. */
    void die() {
      if (!closed) {
        try {
          out.close();
        } catch (IOException ignored) {
          // the bytes it held were not durable anyway
        }
      }
      dead = true;
    }

    private void checkAlive() throws IOException {
      if (dead) {
        throw new IOException("power was lost; " + name() + " is gone");
      }
      if (closed) {
        throw new IOException(name() + " is closed");
      }
    }
  }
}
