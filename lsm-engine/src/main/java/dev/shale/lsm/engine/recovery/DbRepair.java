package dev.shale.lsm.engine.recovery;

import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.read.MergingIterator;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.table.TableRewrite;
import dev.shale.lsm.engine.table.TableSink;
import dev.shale.lsm.engine.table.VersionCollapser;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.VersionEdit;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.memtable.Memtable;
import dev.shale.lsm.spi.memtable.MemtableOptions;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a Db directory whose manifest is damaged or lost, in the spirit of RocksDB's {@code ldb
 * repair}: every readable table and every intact record of the write-ahead log are merged (newest
 * version of each key wins, deletes applied) into new tables in the last level, and a new manifest
 * lists them. Nothing is deleted: the old manifest, tables and log segments, and any file that
 * cannot be read, move to {@code lost/repair-<time>/}. Safe to run again after a crash at any
 * point: until the new manifest exists the directory has none, so an open refuses it and a second
 * repair merges whatever is there.
 *
 * <p>What it cannot give back: writes only a damaged table or a damaged log record held, and
 * deletes whose tombstones were in them (an older value may reappear).
 */
public final class DbRepair {
  private static final Logger LOG = LoggerFactory.getLogger(DbRepair.class);

  private DbRepair() {}

  /**
   * What a repair did.
   *
   * @param tablesRead tables merged
   * @param setAside files that could not be read, moved aside unused
   * @param logRecords write-ahead log records merged
   * @param logDamage where reading the log stopped, or empty
   * @param entriesWritten entries in the new tables
   * @param tablesWritten new tables
   * @param lastSequence the newest write's sequence
   * @param originals where the old files are
   */
  public record Report(
      int tablesRead,
      List<Path> setAside,
      long logRecords,
      String logDamage,
      long entriesWritten,
      int tablesWritten,
      long lastSequence,
      Path originals) {}

  /** What a repair is made with. */
  public record Parts(
      Storage storage,
      int numLevels,
      ProviderRegistry<SSTableFormat> formats,
      SSTableFormat format,
      TableWriterOptions tableOptions,
      long targetFileBytes,
      WalProvider wal,
      MemtableProvider memtables,
      BlockCache cache) {}

  /**
   * Repairs the Db in {@code directory}; takes its lock.
   *
   * @param progress receives the number of entries merged so far
   */
  public static Report repair(Path directory, Parts parts, LongConsumer progress)
      throws IOException {
    Storage storage = parts.storage();
    try (Closeable lock = storage.lock(directory.resolve("LOCK"))) {
      Path sst = directory.resolve("sst");
      Path originals =
          directory
              .resolve(LostFiles.DIRECTORY)
              .resolve(
                  "repair-"
                      + LocalDateTime.now()
                          .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
      storage.createDirectories(originals);
      storage.createDirectories(sst);
      VersionSet.Recovered old = readableManifest(storage, directory, parts.numLevels());

      List<Path> inputs = new ArrayList<>();
      List<Path> setAside = new ArrayList<>();
      List<SSTableReader> readers = new ArrayList<>();
      List<Memtable> logTables = new ArrayList<>();
      long lastSequence = 0;
      long highestNumber = 0;
      try {
        for (Path file : storage.list(sst)) {
          var id = TableCache.fileIdOf(file.getFileName().toString());
          if (id.isEmpty()) {
            setAside.add(file);
            continue;
          }
          highestNumber = Math.max(highestNumber, id.get());
          try {
            SSTableReader reader =
                TableCache.open(storage, file, id.get(), parts.formats(), parts.cache());
            readers.add(reader);
            inputs.add(file);
            lastSequence = Math.max(lastSequence, reader.properties().largestSequence());
          } catch (IOException | RuntimeException unreadable) {
            LOG.warn("{} cannot be read and is set aside: {}", file, unreadable.toString());
            setAside.add(file);
          }
        }
        WalReplayResult log;
        long[] logLast = {lastSequence};
        try (WriteAheadLog wal =
            parts.wal().open(new WalOptions(storage, directory.resolve("wal"), 64L << 20))) {
          Memtable[] current = {newMemtable(parts.memtables(), logTables)};
          log =
              wal.scan(
                  0,
                  (first, batch) -> {
                    if (current[0].approximateBytes() > 64L << 20) {
                      current[0] = newMemtable(parts.memtables(), logTables);
                    }
                    add(current[0], first, batch);
                    logLast[0] = Math.max(logLast[0], first + batch.count() - 1);
                  });
        }
        lastSequence = Math.max(lastSequence, logLast[0]);

        List<InternalIterator> sources = new ArrayList<>();
        for (SSTableReader reader : readers) {
          sources.add(reader.iterator(false));
        }
        for (Memtable m : logTables) {
          sources.add(m.iterator());
        }
        long[] nextNumber = {highestNumber + 1};
        TableSink sink =
            new TableSink(
                storage,
                sst,
                id -> TableCache.pathOf(sst, id),
                parts.format(),
                parts.tableOptions(),
                () -> nextNumber[0]++,
                parts.targetFileBytes());
        List<FileMeta> outputs;
        long[] entries = {0};
        try (MergingIterator merged = new MergingIterator(sources)) {
          // Everything is merged, so nothing older hides below: deletes and old versions go.
          VersionCollapser collapser = new VersionCollapser(new long[0], key -> false);
          TableRewrite.copy(
              merged,
              collapser,
              sink,
              n -> {
                entries[0] += n;
                progress.accept(entries[0]);
              },
              () -> false);
          outputs = sink.finish();
        } catch (IOException | RuntimeException e) {
          sink.abandon();
          throw e;
        }

        // The old state goes aside before the new manifest is written (see the class comment).
        for (SSTableReader reader : readers) {
          reader.close();
        }
        readers.clear();
        for (Path file : storage.list(directory)) {
          if (VersionSet.isMetadataFile(file.getFileName().toString())) {
            moveTo(storage, file, originals);
          }
        }
        storage.syncDirectory(directory);
        for (Path file : inputs) {
          moveTo(storage, file, originals);
        }
        for (Path file : setAside) {
          moveTo(storage, file, originals);
        }
        Path walDir = directory.resolve("wal");
        Path walOriginals = originals.resolve("wal");
        storage.createDirectories(walOriginals);
        for (Path file : storage.list(walDir)) {
          moveTo(storage, file, walOriginals);
        }
        storage.syncDirectory(sst);
        storage.syncDirectory(walDir);
        storage.syncDirectory(originals);
        storage.syncDirectory(walOriginals);

        try (VersionSet versions =
            VersionSet.open(storage, directory, parts.numLevels(), f -> {})) {
          VersionEdit edit =
              new VersionEdit().lastSequence(lastSequence).nextFileNumber(nextNumber[0]);
          if (old != null) {
            edit.writerEpoch(old.writerEpoch());
            if (old.compactionStrategy() != null) {
              edit.compactionStrategy(old.compactionStrategy());
            }
          }
          int level = parts.numLevels() - 1;
          for (FileMeta f : outputs) {
            edit.addFile(level, f);
          }
          versions.logAndApply(edit);
        }
        long total = entries[0];
        LOG.info(
            "repaired {}: {} tables and {} log records merged into {} tables ({} entries read),"
                + " originals in {}",
            directory,
            inputs.size(),
            log.records(),
            outputs.size(),
            total,
            originals);
        return new Report(
            inputs.size(),
            List.copyOf(setAside),
            log.records(),
            log.damage(),
            outputs.stream().mapToLong(FileMeta::entryCount).sum(),
            outputs.size(),
            lastSequence,
            originals);
      } finally {
        for (SSTableReader reader : readers) {
          reader.close();
        }
      }
    }
  }

  /** The manifest as far as it can be read (for the writer epoch and strategy), or null. */
  private static VersionSet.@Nullable Recovered readableManifest(
      Storage storage, Path directory, int numLevels) {
    try {
      return VersionSet.exists(storage, directory)
          ? VersionSet.recover(storage, directory, numLevels)
          : null;
    } catch (IOException | RuntimeException damaged) {
      return null;
    }
  }

  private static Memtable newMemtable(MemtableProvider provider, List<Memtable> all) {
    Memtable m = provider.create(new MemtableOptions(128L << 20));
    all.add(m);
    return m;
  }

  private static void add(Memtable table, long first, WriteBatch batch) {
    batch.forEach(
        (i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) ->
            table.add(first + i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength));
  }

  private static void moveTo(Storage storage, Path file, Path directory) throws IOException {
    storage.rename(file, directory.resolve(file.getFileName().toString()));
  }
}
