package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.engine.read.TableCache;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.VersionEdit;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a local Db directory hold exactly the tree of a remote manifest: used when the directory is
 * empty (restore on a new machine) or holds another primary's stale state. Tables already present
 * with the right size are kept; the rest are downloaded (to a temporary name, then renamed).
 */
public final class LocalReset {
  private static final Logger LOG = LoggerFactory.getLogger(LocalReset.class);

  private LocalReset() {}

  /**
   * Replaces the local tree with {@code manifest}'s and deletes the local log.
   *
   * @param progress receives the bytes downloaded so far
   */
  public static void reset(
      Storage storage,
      Path directory,
      int numLevels,
      ObjectStore data,
      RemoteManifest manifest,
      LongConsumer progress)
      throws IOException {
    Path sst = directory.resolve("sst");
    Path wal = directory.resolve("wal");
    storage.createDirectories(sst);
    for (Path file : storage.list(wal)) {
      storage.delete(file);
    }
    for (Path file : storage.list(directory)) {
      if (VersionSet.isMetadataFile(file.getFileName().toString())) {
        storage.delete(file);
      }
    }
    storage.syncDirectory(directory);
    Map<Long, FileMeta> wanted = new HashMap<>();
    manifest.allFiles().forEach(f -> wanted.put(f.fileId(), f));
    for (Path file : storage.list(sst)) {
      var id = TableCache.fileIdOf(file.getFileName().toString());
      FileMeta f = id.isPresent() ? wanted.get(id.get()) : null;
      if (f == null || storage.size(file) != f.sizeBytes()) {
        storage.delete(file);
      }
    }
    long total = manifest.allFiles().stream().mapToLong(FileMeta::sizeBytes).sum();
    long done = 0;
    LOG.info(
        "restoring {} tables ({} bytes) of remote manifest {} (epoch {}) into {}",
        wanted.size(),
        total,
        manifest.id(),
        manifest.epoch(),
        directory);
    for (FileMeta f : manifest.allFiles()) {
      Path target = TableCache.pathOf(sst, f.fileId());
      if (!storage.exists(target)) {
        Path part = sst.resolve(target.getFileName() + ".part");
        storage.delete(part);
        data.getToFile(RemoteKeys.table(f.fileId()), part);
        long size = storage.size(part);
        if (size != f.sizeBytes()) {
          throw new CorruptionException(
              RemoteKeys.table(f.fileId()),
              -1,
              "downloaded " + size + " bytes; the manifest records " + f.sizeBytes());
        }
        storage.rename(part, target);
      }
      done += f.sizeBytes();
      progress.accept(done);
    }
    storage.syncDirectory(sst);
    List<List<FileMeta>> levels = manifest.levels();
    if (levels.size() > numLevels) {
      for (int l = numLevels; l < levels.size(); l++) {
        if (!levels.get(l).isEmpty()) {
          throw new IllegalArgumentException(
              "the remote Db has tables in level " + l + "; open it with numLevels >= " + (l + 1));
        }
      }
    }
    try (VersionSet versions = VersionSet.open(storage, directory, numLevels, file -> {})) {
      VersionEdit edit =
          new VersionEdit()
              .lastSequence(manifest.lastSequence())
              .nextFileNumber(manifest.nextFileNumber())
              .writerEpoch(manifest.epoch());
      for (int l = 0; l < levels.size(); l++) {
        for (FileMeta f : levels.get(l)) {
          edit.addFile(l, copyOf(f));
        }
      }
      versions.logAndApply(edit);
    }
    // Only now is the directory the bucket's: a crash before this line resets it again.
    FencedMarker.delete(storage, directory);
  }

  private static FileMeta copyOf(FileMeta f) {
    return new FileMeta(
        f.fileId(),
        f.sizeBytes(),
        f.smallestKey(),
        f.largestKey(),
        f.smallestSequence(),
        f.largestSequence(),
        f.entryCount(),
        f.tombstoneCount());
  }
}
