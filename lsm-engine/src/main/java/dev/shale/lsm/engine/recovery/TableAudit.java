package dev.shale.lsm.engine.recovery;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.ManifestLog;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the tables of a Db directory against its manifest before recovery changes anything, and
 * decides what becomes of the tables the manifest does not list.
 *
 * <p>Every table the manifest lists must exist. A table it does not list was left by a flush or
 * compaction that was interrupted before its manifest edit, or its edit was lost to damage; the
 * audit tells them apart by what the table holds: a table whose sequences the manifest's tables and
 * the write-ahead log do not cover held acknowledged data only that edit recorded, so recovery
 * stops with a {@link CorruptionException} and deletes nothing. Otherwise the unlisted tables are
 * redundant: deleted when the manifest read cleanly, moved to {@code lost/} when its last record is
 * damaged (a table is never deleted on the word of a damaged manifest).
 */
public final class TableAudit {
  private static final Logger LOG = LoggerFactory.getLogger(TableAudit.class);

  /**
   * A table file the manifest does not list.
   *
   * @param file its path
   * @param properties what it holds, or null when it cannot be read (an interrupted write)
   */
  public record Unlisted(Path file, @Nullable TableProperties properties) {}

  private final Storage storage;
  private final Path directory;
  private final VersionSet.Recovered manifest;
  private final Path manifestFile;
  private final List<Unlisted> unlisted;

  private TableAudit(
      Storage storage, Path directory, VersionSet.Recovered manifest, List<Unlisted> unlisted) {
    this.storage = storage;
    this.directory = directory;
    this.manifest = manifest;
    String name = manifest.manifestFileName();
    this.manifestFile = directory.resolve(name == null ? "MANIFEST" : name);
    this.unlisted = unlisted;
  }

  /**
   * Checks that every listed table exists and reads what every unlisted one holds.
   *
   * @throws CorruptionException naming the manifest when a listed table is missing
   */
  public static TableAudit run(
      Storage storage,
      Path directory,
      VersionSet.Recovered manifest,
      ProviderRegistry<SSTableFormat> formats,
      BlockCache cache)
      throws IOException {
    Path sst = directory.resolve("sst");
    TableAudit audit = new TableAudit(storage, directory, manifest, new ArrayList<>());
    Set<Long> listed = new java.util.HashSet<>();
    for (List<FileMeta> level : manifest.levels()) {
      for (FileMeta f : level) {
        listed.add(f.fileId());
        if (!storage.exists(TableCache.pathOf(sst, f.fileId()))) {
          throw audit.missing(TableCache.pathOf(sst, f.fileId()));
        }
      }
    }
    for (Path file : storage.list(sst)) {
      var id = TableCache.fileIdOf(file.getFileName().toString());
      if (id.isPresent() && listed.contains(id.get())) {
        continue;
      }
      TableProperties properties = null;
      if (id.isPresent()) {
        try (SSTableReader reader = TableCache.open(storage, file, id.get(), formats, cache)) {
          properties = reader.properties();
        } catch (IOException | RuntimeException unreadable) {
          LOG.debug("{}: unlisted table cannot be read: {}", file, unreadable.toString());
        }
      }
      audit.unlisted.add(new Unlisted(file, properties));
    }
    return audit;
  }

  /** The tables on disk the manifest does not list. */
  public List<Unlisted> unlisted() {
    return List.copyOf(unlisted);
  }

  /**
   * Whether some unlisted table holds writes after the manifest's last flushed sequence, so that
   * how far the log covers decides whether the manifest lost an edit.
   */
  public boolean needsLogCoverage() {
    return highestUnlistedSequence() > manifest.lastSequence();
  }

  private long highestUnlistedSequence() {
    long highest = -1;
    for (Unlisted u : unlisted) {
      if (u.properties() != null) {
        highest = Math.max(highest, u.properties().largestSequence());
      }
    }
    return highest;
  }

  /**
   * Fails unless every unlisted table's writes are in the manifest's tables or in the log.
   *
   * @param coveredThrough every sequence up to it is in the listed tables or the log
   * @throws CorruptionException naming the manifest and the first uncovered table
   */
  public void checkCoveredThrough(long coveredThrough) {
    for (Unlisted u : unlisted) {
      TableProperties p = u.properties();
      if (p != null && p.largestSequence() > coveredThrough) {
        throw new CorruptionException(
            manifestFile.toString(),
            damageOffset(),
            "table "
                + u.file()
                + " holds writes up to sequence "
                + p.largestSequence()
                + " that neither "
                + manifestFile.getFileName()
                + " (flushed through "
                + manifest.lastSequence()
                + ") nor the write-ahead log (through "
                + coveredThrough
                + ") holds: the manifest lost an acknowledged edit"
                + tailNote()
                + ". Nothing was deleted. Run `shale repair --db "
                + directory
                + "` to rebuild the manifest from the tables and the log (the originals are kept in"
                + " lost/)");
      }
    }
  }

  /**
   * Deletes the unlisted tables, or moves them to {@code lost/} when the manifest's last record is
   * damaged.
   *
   * @return the number moved to {@code lost/}
   */
  public int dispose() throws IOException {
    ManifestLog.SuspectTail tail = manifest.suspectTail();
    if (tail != null) {
      Path copy = LostFiles.copy(storage, directory, manifestFile);
      LOG.warn("{}: the damaged manifest is kept as {}", directory, copy);
    }
    if (unlisted.isEmpty()) {
      return 0;
    }
    if (tail != null) {
      for (Unlisted u : unlisted) {
        Path moved = LostFiles.move(storage, directory, u.file());
        LOG.warn(
            "{}: the manifest's last record is damaged, so {} (not listed) is kept as {}",
            directory,
            u.file().getFileName(),
            moved);
      }
      return unlisted.size();
    }
    for (Unlisted u : unlisted) {
      storage.delete(u.file());
    }
    storage.syncDirectory(directory.resolve("sst"));
    LOG.info(
        "{}: deleted {} tables left over by an interrupted flush or compaction",
        directory,
        unlisted.size());
    return 0;
  }

  private CorruptionException missing(Path table) {
    return new CorruptionException(
        manifestFile.toString(),
        damageOffset(),
        manifestFile.getFileName()
            + " ("
            + manifest.manifestBytes()
            + " bytes, "
            + manifest.edits().size()
            + " edits) lists table "
            + table
            + ", which is missing: it was deleted by hand, or the manifest lost its newest edits"
            + tailNote()
            + ". Nothing was deleted. Run `shale repair --db "
            + directory
            + "` to rebuild the manifest from the tables and the log (the originals are kept in"
            + " lost/), or restore the Db from a backup or its object store");
  }

  private long damageOffset() {
    ManifestLog.SuspectTail tail = manifest.suspectTail();
    return tail != null ? tail.offset() : manifest.manifestBytes();
  }

  private String tailNote() {
    ManifestLog.SuspectTail tail = manifest.suspectTail();
    return tail == null
        ? " (a manifest cut at a record boundary reads as intact)"
        : " (its last record, at offset " + tail.offset() + ", is damaged: " + tail.what() + ")";
  }
}
