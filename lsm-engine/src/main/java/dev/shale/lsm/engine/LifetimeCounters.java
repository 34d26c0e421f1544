package dev.shale.lsm.engine;

import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Db's lifetime counters (bytes flushed and compacted, user bytes written...), kept in the file
 * {@value #FILE} of the Db directory so that they survive reopening: the figures of earlier opens
 * plus those since this open. The file is rewritten (new file, sync, rename) after flushes and
 * compactions and at close, only when something changed, so a Db opened only to read is left byte
 * for byte as it was. A crash loses at most the work since the last rewrite; a missing or damaged
 * file starts the counts again from zero (they are figures, not data). Format: docs/formats.md
 * section "Lifetime counters". Thread-safe.
 */
final class LifetimeCounters {
  static final String FILE = "COUNTERS";
  private static final Logger LOG = LoggerFactory.getLogger(LifetimeCounters.class);
  private static final long MAGIC = 0x5348414C45434E54L; // "SHALECNT"
  private static final int VERSION = 1;
  private static final int FIELDS = 9;
  private static final int BYTES = 8 + 4 + FIELDS * 8 + 4;

  private final Storage storage;
  private final Path directory;
  private final DbStats.Lifetime base;
  private DbStats.Lifetime lastWritten;

  private LifetimeCounters(Storage storage, Path directory, DbStats.Lifetime base) {
    this.storage = storage;
    this.directory = directory;
    this.base = base;
    this.lastWritten = base;
  }

  /** Reads the counters of earlier opens (zero when there are none or they are unreadable). */
  static LifetimeCounters load(Storage storage, Path directory) {
    Path file = directory.resolve(FILE);
    DbStats.Lifetime base =
        new DbStats.Lifetime(System.currentTimeMillis(), 0, 0, 0, 0, 0, 0, 0, 0);
    if (storage.exists(file)) {
      try {
        base = read(storage, file);
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "{}: lifetime counters unreadable ({}); counting again from zero", file, e.toString());
      }
    }
    return new LifetimeCounters(storage, directory, base);
  }

  /** The counts of earlier opens plus {@code sinceOpen}. */
  DbStats.Lifetime total(DbStats.Lifetime sinceOpen) {
    return new DbStats.Lifetime(
        base.sinceMillis(),
        base.flushes() + sinceOpen.flushes(),
        base.flushedBytes() + sinceOpen.flushedBytes(),
        base.compactions() + sinceOpen.compactions(),
        base.compactionBytesRead() + sinceOpen.compactionBytesRead(),
        base.compactionBytesWritten() + sinceOpen.compactionBytesWritten(),
        base.batches() + sinceOpen.batches(),
        base.operations() + sinceOpen.operations(),
        base.userBytes() + sinceOpen.userBytes());
  }

  /**
   * Writes the totals with {@code sinceOpen} when they changed since the last write. Failures are
   * logged, not thrown: the counters must never fail a flush.
   */
  synchronized void persist(DbStats.Lifetime sinceOpen) {
    DbStats.Lifetime total = total(sinceOpen);
    if (total.equals(lastWritten)) {
      return;
    }
    Path file = directory.resolve(FILE);
    Path temporary = directory.resolve(FILE + ".tmp");
    ByteBuffer buf = ByteBuffer.allocate(BYTES);
    buf.putLong(MAGIC).putInt(VERSION);
    for (long v : fields(total)) {
      buf.putLong(v);
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, BYTES - 4);
    buf.putInt((int) crc.getValue());
    try {
      try (SequentialOutput out = storage.create(temporary)) {
        out.write(buf.array(), 0, BYTES);
        out.sync();
      }
      storage.rename(temporary, file);
      lastWritten = total;
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: could not write the lifetime counters: {}", directory, e.toString());
    }
  }

  private static long[] fields(DbStats.Lifetime l) {
    return new long[] {
      l.sinceMillis(),
      l.flushes(),
      l.flushedBytes(),
      l.compactions(),
      l.compactionBytesRead(),
      l.compactionBytesWritten(),
      l.batches(),
      l.operations(),
      l.userBytes()
    };
  }

  private static DbStats.Lifetime read(Storage storage, Path file) throws IOException {
    byte[] data = new byte[BYTES];
    try (RandomAccessInput in = storage.openInput(file)) {
      if (in.length() != BYTES) {
        throw new IOException("length " + in.length() + ", expected " + BYTES);
      }
      in.readFully(0, data, 0, BYTES);
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    CRC32C crc = new CRC32C();
    crc.update(data, 0, BYTES - 4);
    if (buf.getInt(BYTES - 4) != (int) crc.getValue()) {
      throw new IOException("checksum mismatch");
    }
    if (buf.getLong() != MAGIC || buf.getInt() != VERSION) {
      throw new IOException("not a counters file of version " + VERSION);
    }
    long[] v = new long[FIELDS];
    for (int i = 0; i < FIELDS; i++) {
      v[i] = buf.getLong();
    }
    return new DbStats.Lifetime(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
  }
}
