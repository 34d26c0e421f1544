package dev.shale.lsm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The machine's bounds that matter to an LSM tree, measured where the Dbs live: the latency of
 * appending a small record and fsyncing it (what one synchronous commit cannot beat) and sequential
 * write bandwidth (what flush and compaction cannot beat).
 *
 * @param fsyncSamples appends measured
 * @param fsyncP50Nanos median latency of append + fdatasync
 * @param fsyncP99Nanos 99th percentile
 * @param preallocatedFsyncP50Nanos median latency of the same append + fdatasync into space that
 *     was written and synced before (no block allocation, no size change: the cheapest sync a log
 *     that preallocates or recycles its files gets)
 * @param preallocatedFsyncP99Nanos 99th percentile of that
 * @param seqWriteBytesPerSecond sequential write bandwidth, fsync included
 */
record MachineBounds(
    int fsyncSamples,
    long fsyncP50Nanos,
    long fsyncP99Nanos,
    long preallocatedFsyncP50Nanos,
    long preallocatedFsyncP99Nanos,
    double seqWriteBytesPerSecond) {

  private static final int RECORD_BYTES = 128;

  /**
   * Measures in {@code directory}: {@code samples} appends of 128 bytes each followed by {@code
   * FileChannel.force(false)} (fdatasync, as a WAL does), then {@code seqBytes} written in 1 MiB
   * chunks and fsynced.
   */
  static MachineBounds measure(Path directory, int samples, long seqBytes) throws IOException {
    Files.createDirectories(directory);
    Path log = directory.resolve("fsync-probe.log");
    LatencyHistogram h = new LatencyHistogram();
    try (FileChannel ch =
        FileChannel.open(
            log,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
      for (int i = 0; i < samples; i++) {
        record.clear();
        record.putInt(0, i);
        long t0 = System.nanoTime();
        while (record.hasRemaining()) {
          ch.write(record);
        }
        ch.force(false);
        h.record(System.nanoTime() - t0);
      }
    } finally {
      Files.deleteIfExists(log);
    }
    LatencyHistogram pre = new LatencyHistogram();
    try (FileChannel ch =
        FileChannel.open(
            log,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
      long size = (long) samples * RECORD_BYTES;
      for (long at = 0; at < size; at += zeros.capacity()) {
        zeros.clear();
        ch.write(zeros, at);
      }
      ch.force(true);
      ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES);
      for (int i = 0; i < samples; i++) {
        record.clear();
        record.putInt(0, i + 1);
        long t0 = System.nanoTime();
        long at = (long) i * RECORD_BYTES;
        while (record.hasRemaining()) {
          at += ch.write(record, at);
        }
        ch.force(false);
        pre.record(System.nanoTime() - t0);
      }
    } finally {
      Files.deleteIfExists(log);
    }
    Path big = directory.resolve("seqwrite-probe.dat");
    double bandwidth;
    try (FileChannel ch =
        FileChannel.open(
            big,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
      for (int i = 0; i < chunk.capacity(); i++) {
        chunk.put(i, (byte) (i * 31));
      }
      long t0 = System.nanoTime();
      long written = 0;
      while (written < seqBytes) {
        chunk.clear();
        while (chunk.hasRemaining()) {
          written += ch.write(chunk);
        }
      }
      ch.force(false);
      bandwidth = written * 1e9 / (System.nanoTime() - t0);
    } finally {
      Files.deleteIfExists(big);
    }
    return new MachineBounds(
        samples,
        h.percentileNanos(0.50),
        h.percentileNanos(0.99),
        pre.percentileNanos(0.50),
        pre.percentileNanos(0.99),
        bandwidth);
  }

  /** Synchronous commits per second one thread can reach: one fsync each. */
  double syncBoundOneThread() {
    return fsyncP50Nanos <= 0 ? 0 : 1e9 / fsyncP50Nanos;
  }

  /**
   * The group-commit target for {@code threads} writers: about 0.8 of {@code threads} commits per
   * fsync, since with group commit every fsync can carry one write of each waiting thread.
   */
  double groupCommitTarget(int threads) {
    return 0.8 * threads * syncBoundOneThread();
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "fsync (128 B append + fdatasync, %d samples): p50 %.3f ms, p99 %.3f ms"
            + " (into preallocated space: p50 %.3f ms, p99 %.3f ms) -> %.0f sync"
            + " commits/s per thread; group-commit target at 8 threads %.0f ops/s;"
            + " sequential write %.0f MiB/s",
        fsyncSamples,
        fsyncP50Nanos / 1e6,
        fsyncP99Nanos / 1e6,
        preallocatedFsyncP50Nanos / 1e6,
        preallocatedFsyncP99Nanos / 1e6,
        syncBoundOneThread(),
        groupCommitTarget(8),
        seqWriteBytesPerSecond / (1 << 20));
  }
}
