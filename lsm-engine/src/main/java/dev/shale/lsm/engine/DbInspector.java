package dev.shale.lsm.engine;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.recovery.LogCoverage;
import dev.shale.lsm.engine.recovery.TableAudit;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.ManifestLog;
import dev.shale.lsm.engine.version.VersionEdit;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Read-only inspection of a Db directory for tools ({@code shale manifest dump}, {@code verify},
 * {@code sst dump}, {@code wal dump}). Operations that read more than the manifest take the Db's
 * lock, so they refuse to run while the Db is open elsewhere instead of reading files that change.
 */
public final class DbInspector {
  private DbInspector() {}

  /**
   * One live table as the manifest records it.
   *
   * @param level its level
   * @param fileId its number
   * @param path its file
   * @param sizeBytes its size
   * @param smallestKey its smallest user key
   * @param largestKey its largest user key
   * @param smallestSequence its smallest sequence
   * @param largestSequence its largest sequence
   * @param entryCount its entries
   * @param tombstoneCount its tombstones
   */
  @SuppressWarnings("ArrayRecordComponent")
  public record TableInfo(
      int level,
      long fileId,
      Path path,
      long sizeBytes,
      byte[] smallestKey,
      byte[] largestKey,
      long smallestSequence,
      long largestSequence,
      long entryCount,
      long tombstoneCount) {}

  /**
   * The state a manifest records.
   *
   * @param manifestFile the manifest CURRENT names
   * @param nextFileNumber the next unused file number
   * @param logNumber WAL segments below it hold only flushed data
   * @param lastSequence every write up to it is in tables
   * @param writerEpoch the last claimed writer epoch
   * @param compactionStrategy the strategy recorded last, or null
   * @param tables the live tables, level by level
   * @param edits every edit in the manifest, as text, oldest first
   */
  public record ManifestInfo(
      String manifestFile,
      long nextFileNumber,
      long logNumber,
      long lastSequence,
      long writerEpoch,
      @Nullable String compactionStrategy,
      List<TableInfo> tables,
      List<String> edits) {

    /** Bytes of all live tables. */
    public long totalTableBytes() {
      return tables.stream().mapToLong(TableInfo::sizeBytes).sum();
    }
  }

  /**
   * What {@link #verify} checked.
   *
   * @param tables tables read end to end
   * @param bytes bytes checked
   */
  public record VerifyResult(int tables, long bytes) {}

  /**
   * The manifest of the Db in {@code directory}.
   *
   * @throws IllegalArgumentException when there is no Db there
   * @throws CorruptionException when CURRENT or the manifest is damaged
   */
  public static ManifestInfo manifest(Storage storage, Path directory, int numLevels)
      throws IOException {
    if (!VersionSet.exists(storage, directory)) {
      throw new IllegalArgumentException("no Shale Db in " + directory + " (no CURRENT file)");
    }
    VersionSet.Recovered r = VersionSet.recover(storage, directory, numLevels);
    List<TableInfo> tables = new ArrayList<>();
    Path sst = directory.resolve("sst");
    for (int level = 0; level < r.levels().size(); level++) {
      for (FileMeta f : r.levels().get(level)) {
        tables.add(
            new TableInfo(
                level,
                f.fileId(),
                TableCache.pathOf(sst, f.fileId()),
                f.sizeBytes(),
                f.smallestKey(),
                f.largestKey(),
                f.smallestSequence(),
                f.largestSequence(),
                f.entryCount(),
                f.tombstoneCount()));
      }
    }
    return new ManifestInfo(
        VersionSet.manifestName(r.manifestNumber()),
        r.nextFileNumber(),
        r.logNumber(),
        r.lastSequence(),
        r.writerEpoch(),
        r.compactionStrategy(),
        tables,
        r.edits().stream().map(VersionEdit::toString).toList());
  }

  /**
   * Checks the manifest (every record, and that the tables and the log cover every table on disk,
   * as an open would), then reads every byte of every live table and checks every checksum, and
   * that each table holds what the manifest says (size, key range, sequence range, entry count).
   * Changes nothing.
   *
   * @param progress receives the number of bytes checked so far
   * @throws CorruptionException naming the file and offset of the first damage found
   * @throws IOException when the Db is open elsewhere or a file cannot be read
   */
  public static VerifyResult verify(
      Storage storage,
      Path directory,
      int numLevels,
      ProviderRegistry<SSTableFormat> formats,
      WalProvider walProvider,
      BlockCache cache,
      LongConsumer progress)
      throws IOException {
    try (Closeable lock = storage.lock(directory.resolve("LOCK"))) {
      ManifestInfo manifest = manifest(storage, directory, numLevels);
      VersionSet.Recovered recovered = VersionSet.recover(storage, directory, numLevels);
      ManifestLog.SuspectTail tail = recovered.suspectTail();
      if (tail != null) {
        throw new CorruptionException(
            directory.resolve(manifest.manifestFile()).toString(),
            tail.offset(),
            "the manifest's last record is damaged or cut off ("
                + tail.what()
                + "); an open checks whether the tables and the log cover it, and if they do not,"
                + " run `shale repair`");
      }
      TableAudit audit = TableAudit.run(storage, directory, recovered, formats, cache);
      if (audit.needsLogCoverage()) {
        LogCoverage coverage = new LogCoverage(recovered.lastSequence());
        try (WriteAheadLog wal =
            walProvider.open(new WalOptions(storage, directory.resolve("wal"), 64L << 20))) {
          wal.scan(recovered.lastSequence(), coverage);
        }
        audit.checkCoveredThrough(coverage.coveredThrough());
      }
      long done = 0;
      for (TableInfo t : manifest.tables()) {
        if (!storage.exists(t.path())) {
          throw new CorruptionException(
              t.path().toString(), -1, "the manifest lists this table but the file is missing");
        }
        long size = storage.size(t.path());
        if (size != t.sizeBytes()) {
          throw new CorruptionException(
              t.path().toString(),
              size,
              "the file is " + size + " bytes; the manifest recorded " + t.sizeBytes());
        }
        long base = done;
        try (SSTableReader reader =
            TableCache.open(storage, t.path(), t.fileId(), formats, cache)) {
          reader.verify(bytes -> progress.accept(base + bytes));
          checkAgainstManifest(t, reader.properties());
        }
        done += t.sizeBytes();
        progress.accept(done);
      }
      return new VerifyResult(manifest.tables().size(), done);
    }
  }

  private static void checkAgainstManifest(TableInfo t, TableProperties p) {
    String file = t.path().toString();
    if (p.entryCount() != t.entryCount()
        || p.smallestSequence() != t.smallestSequence()
        || p.largestSequence() != t.largestSequence()
        || KeyOrder.compareKeys(p.smallestKey(), t.smallestKey()) != 0
        || KeyOrder.compareKeys(p.largestKey(), t.largestKey()) != 0) {
      throw new CorruptionException(
          file, -1, "the table's properties disagree with what the manifest recorded for it");
    }
  }

  /**
   * Opens one table file, whatever format wrote it (from its header). The caller closes it.
   *
   * @throws CorruptionException when the file is damaged or its format is not installed
   */
  public static SSTableReader openTable(
      Storage storage, Path file, ProviderRegistry<SSTableFormat> formats, BlockCache cache)
      throws IOException {
    long id = TableCache.fileIdOf(file.getFileName().toString()).orElse(0L);
    return TableCache.open(storage, file, id, formats, cache);
  }

  /**
   * The segments of the Db's write-ahead log and every intact record in them up to the first
   * damage, oldest first ({@link WriteAheadLog#scan}: changes nothing). Takes the Db's lock.
   */
  public static WalReplayResult readWal(
      Storage storage,
      Path directory,
      WalProvider provider,
      List<WalSegment> segmentsOut,
      WalReplayConsumer consumer)
      throws IOException {
    try (Closeable lock = storage.lock(directory.resolve("LOCK"));
        WriteAheadLog wal =
            provider.open(new WalOptions(storage, directory.resolve("wal"), 64L << 20))) {
      segmentsOut.addAll(wal.segments());
      return wal.scan(0, consumer);
    }
  }
}
