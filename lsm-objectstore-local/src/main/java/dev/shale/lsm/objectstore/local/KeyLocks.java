package dev.shale.lsm.objectstore.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Per-key write locks of one store directory, shared by every store of the JVM open on it and
 * extended to other processes with byte-range locks on the directory's {@code %lock} file.
 *
 * <p>Keys hash to one of {@value #STRIPES} stripes. A stripe is taken in two steps: a JVM-wide
 * {@link ReentrantLock} (byte-range locks belong to the whole JVM, so two threads must not ask for
 * the same range), then the file lock on byte {@code stripe} of {@code %lock}, polled with {@code
 * tryLock}. Polling rather than blocking keeps an interrupt from landing in a long blocking call,
 * which would close the shared channel; if the channel is closed anyway it is reopened.
 */
final class KeyLocks {
  static final int STRIPES = 64;
  static final String LOCK_FILE = "%lock";

  private static final Map<Path, KeyLocks> OPEN = new HashMap<>();

  private final Path root;
  private final Path lockFile;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private @Nullable FileChannel channel;
  private int references;

  private KeyLocks(Path root) {
    this.root = root;
    this.lockFile = root.resolve(LOCK_FILE);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** The locks of the directory {@code realRoot} (a real path), counted until {@link #release}. */
  static KeyLocks acquire(Path realRoot) {
    synchronized (OPEN) {
      KeyLocks locks = OPEN.computeIfAbsent(realRoot, KeyLocks::new);
      locks.references++;
      return locks;
    }
  }

  /** Drops one reference; the last one closes the lock file. */
  void release() {
    synchronized (OPEN) {
      if (--references == 0) {
        OPEN.remove(root);
        closeChannel();
      }
    }
  }

  /** A held key lock. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Locks {@code key} against writers in this JVM and in other processes. */
  Held lock(String key) throws IOException {
    int stripe = Math.floorMod(key.hashCode(), STRIPES);
    ReentrantLock jvmLock = stripes[stripe];
    try {
      jvmLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the lock of " + key);
    }
    try {
      FileLock fileLock = lockStripe(stripe, key);
      return () -> {
        try {
          fileLock.release();
        } catch (IOException e) {
          // The channel was closed under us (an interrupt): the lock is gone with it.
        } finally {
          jvmLock.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      jvmLock.unlock();
      throw e;
    }
  }

  private FileLock lockStripe(int stripe, String key) throws IOException {
    long sleepMillis = 1;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while waiting for the lock of " + key);
      }
      try {
        FileLock lock = channel().tryLock(stripe, 1, false);
        if (lock != null) {
          return lock;
        }
      } catch (ClosedChannelException e) {
        continue; // reopened by channel() on the next round, unless we were interrupted
      }
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the lock of " + key);
      }
      sleepMillis = Math.min(sleepMillis * 2, 20);
    }
  }

  private FileChannel channel() throws IOException {
    synchronized (OPEN) {
      FileChannel ch = channel;
      if (ch == null || !ch.isOpen()) {
        ch =
            FileChannel.open(
                lockFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        channel = ch;
      }
      return ch;
    }
  }

  private void closeChannel() {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // Nothing is held any more; closing only frees the descriptor.
      }
    }
  }
}
