package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.event.ManifestWrittenEvent;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.Version;
import dev.shale.lsm.engine.version.VersionSet;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the local tree into the bucket: uploads the tables of the current version that the bucket
 * lacks, then writes the next manifest object put-if-absent (someone else's object there means this
 * primary is fenced), then collects garbage. Tables always land before the manifest naming them.
 * Used by one thread at a time (the engine's sync thread).
 */
public final class RemoteSync {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteSync.class);

  private final ObjectStore data;
  private final ObjectStore wal;
  private final StoreRetries retries;
  private final VersionSet versions;
  private final LongFunction<Path> tablePath;
  private final WalShipper shipper;
  private final long epoch;
  private final String writerId;
  private final long gcGraceMillis;
  private final PausePoints points;
  private final Consumer<ManifestWrittenEvent> onManifest;

  /** Files a primary of epoch E numbers from {@code E << FILE_NUMBER_EPOCH_SHIFT}. */
  public static final int FILE_NUMBER_EPOCH_SHIFT = 40;

  private final Set<Long> uploaded = new HashSet<>();
  private final Map<Long, Long> listedSizes = new HashMap<>();
  private long nextManifestId;
  private long replayAfter;
  private Set<Long> lastFiles = Set.of();
  private long lastManifestSequence = -1;
  private long lastGcMillis;
  private long manifestsWritten;
  private long tablesUploaded;
  private long tableBytesUploaded;
  private long objectsDeleted;

  /**
   * @param nextManifestId the id the next manifest takes
   * @param replayAfter the WAL object id the last manifest lets replay start after
   */
  public RemoteSync(
      ObjectStore data,
      ObjectStore wal,
      StoreRetries retries,
      VersionSet versions,
      LongFunction<Path> tablePath,
      WalShipper shipper,
      long epoch,
      String writerId,
      long nextManifestId,
      long replayAfter,
      long gcGraceMillis,
      PausePoints points,
      Consumer<ManifestWrittenEvent> onManifest)
      throws IOException {
    this.data = data;
    this.wal = wal;
    this.retries = retries;
    this.versions = versions;
    this.tablePath = tablePath;
    this.shipper = shipper;
    this.epoch = epoch;
    this.writerId = writerId;
    this.nextManifestId = nextManifestId;
    this.replayAfter = replayAfter;
    this.gcGraceMillis = gcGraceMillis;
    this.points = points;
    this.onManifest = onManifest;
    for (ObjectInfo o :
        retries.call("list tables", () -> RemoteKeys.listSorted(data, RemoteKeys.TABLES, null))) {
      // A table of an earlier epoch in the bucket was uploaded by the primary that made it; one of
      // this epoch's range cannot be ours yet, and one whose size differs is not the same table:
      // those are uploaded (create-only), which finds out what they are.
      OptionalLong id = RemoteKeys.idOf(o.key(), RemoteKeys.TABLES);
      if (id.isPresent() && (id.getAsLong() >>> FILE_NUMBER_EPOCH_SHIFT) < epoch) {
        listedSizes.put(id.getAsLong(), o.sizeBytes());
      }
    }
  }

  /** What this primary has written. */
  public record Counts(long manifests, long tables, long tableBytes, long deleted) {}

  public synchronized Counts counts() {
    return new Counts(manifestsWritten, tablesUploaded, tableBytesUploaded, objectsDeleted);
  }

  /**
   * Uploads missing tables and writes a manifest if the tree or the replay point moved.
   *
   * @throws FencedException when the manifest slot is taken: a newer primary exists
   */
  public synchronized void sync() throws IOException {
    VersionSet.State state = versions.acquireState();
    Version version = state.version();
    try {
      Set<Long> files = new HashSet<>();
      for (FileMeta f : version.allFiles()) {
        files.add(f.fileId());
        Long listed = listedSizes.remove(f.fileId());
        if (listed != null && listed == f.sizeBytes()) {
          uploaded.add(f.fileId());
        }
        if (!uploaded.contains(f.fileId())) {
          uploadTable(f.fileId());
          uploaded.add(f.fileId());
          tablesUploaded++;
          tableBytesUploaded += f.sizeBytes();
          points.hit("sync.sst-uploaded");
        }
      }
      long after = shipper.replayAfterFor(state.lastSequence(), replayAfter);
      if (files.equals(lastFiles)
          && after == replayAfter
          && state.lastSequence() == lastManifestSequence) {
        return;
      }
      List<List<FileMeta>> levels = new ArrayList<>();
      for (int l = 0; l < version.numLevels(); l++) {
        levels.add(version.level(l));
      }
      RemoteManifest manifest =
          new RemoteManifest(
              nextManifestId,
              epoch,
              after,
              state.lastSequence(),
              state.nextFileNumber(),
              writerId,
              System.currentTimeMillis(),
              levels);
      points.hit("sync.before-manifest");
      String key = RemoteKeys.manifest(manifest.id());
      if (!retries.putIfAbsent(
          data, key, manifest.encode(), writerId + "/manifest/" + manifest.id())) {
        RemoteManifest newest = WriterClaim.readNewest(data);
        long newer = newest == null ? epoch + 1 : newest.epoch();
        throw new FencedException(
            "manifest "
                + key
                + " was written by another primary (epoch "
                + newer
                + "): this one"
                + " (epoch "
                + epoch
                + ") is fenced",
            epoch,
            newer);
      }
      points.hit("sync.after-manifest");
      onManifest.accept(new ManifestWrittenEvent(true, key, state.lastSequence(), files.size()));
      nextManifestId++;
      manifestsWritten++;
      replayAfter = after;
      lastFiles = files;
      lastManifestSequence = state.lastSequence();
      LOG.debug("wrote {} ({} tables, replay after WAL object {})", key, files.size(), after);
    } finally {
      version.unref();
    }
    long now = System.currentTimeMillis();
    if (now - lastGcMillis >= Math.min(gcGraceMillis, 60_000)) {
      lastGcMillis = now;
      collectGarbage(now);
    }
  }

  /**
   * Uploads one table, create-only, tagged with its checksum. A table is never replaced: when the
   * name is taken, the object there must be this very table (uploaded by an earlier attempt, or by
   * the primary that made it, before this one took over its directory), or the bucket is in a state
   * no primary can mirror into, which is an error.
   */
  private void uploadTable(long fileId) throws IOException {
    Path path = tablePath.apply(fileId);
    String key = RemoteKeys.table(fileId);
    String crc = TableChecksum.of(path);
    PutOptions options =
        new PutOptions(
            PutCondition.ifAbsent(),
            Map.of(PutOptions.PUT_ID, writerId + "/sst/" + fileId, TableChecksum.METADATA, crc));
    try {
      retries.call("upload " + key, () -> data.putFile(key, path, options));
    } catch (PreconditionFailedException taken) {
      ObjectInfo there =
          retries
              .call("head " + key, () -> data.head(key))
              .orElseThrow(() -> new IOException(key + " was taken, then vanished", taken));
      String theirs = there.metadata().get(TableChecksum.METADATA);
      long size = Files.size(path);
      if (theirs == null ? there.sizeBytes() != size : !theirs.equals(crc)) {
        throw new CorruptionException(
            key,
            -1,
            "the bucket already holds a different table under this name ("
                + there.sizeBytes()
                + " bytes, checksum "
                + theirs
                + "; this one: "
                + size
                + " bytes, checksum "
                + crc
                + "); a table is never overwritten, so this Db cannot be mirrored there");
      }
    }
  }

  /**
   * Deletes what no manifest younger than the grace period needs: older manifests (never the
   * newest), tables none of the kept manifests lists, and WAL objects with data before the oldest
   * kept replay point. Fences (empty WAL objects) are never deleted: an old primary that wakes up
   * must keep finding its next slot taken. Anything written within the grace period stays, as it
   * may belong to an upload whose manifest is not written yet. The newest manifest read here, and a
   * fresh check just before deleting, make sure no newer primary exists.
   */
  public synchronized void collectGarbage(long nowMillis) throws IOException {
    Instant cutoff = Instant.ofEpochMilli(nowMillis - gcGraceMillis);
    List<ObjectInfo> manifests =
        retries.call(
            "list manifests", () -> RemoteKeys.listSorted(data, RemoteKeys.MANIFESTS, null));
    if (manifests.isEmpty()) {
      return;
    }
    List<String> deletions = new ArrayList<>(); // in the data store
    List<String> walDeletions = new ArrayList<>();
    Set<Long> liveTables = new HashSet<>();
    long minReplayAfter = Long.MAX_VALUE;
    for (int i = manifests.size() - 1; i >= 0; i--) {
      ObjectInfo o = manifests.get(i);
      boolean newest = i == manifests.size() - 1;
      if (!newest && o.lastModified().isBefore(cutoff)) {
        deletions.add(o.key());
        continue;
      }
      RemoteManifest m;
      try {
        m = RemoteManifest.decode(o.key(), retries.call("get " + o.key(), () -> data.get(o.key())));
      } catch (CorruptionException e) {
        // Which tables a damaged manifest lists is unknown, so none may be deleted now.
        LOG.error("garbage collection skipped: {}", e.getMessage());
        return;
      }
      if (newest && m.epoch() > epoch) {
        throw new FencedException(
            "another primary claimed writer epoch " + m.epoch() + " (ours was " + epoch + ")",
            epoch,
            m.epoch());
      }
      m.allFiles().forEach(f -> liveTables.add(f.fileId()));
      minReplayAfter = Math.min(minReplayAfter, m.replayAfterWalId());
    }
    for (ObjectInfo o :
        retries.call("list tables", () -> RemoteKeys.listSorted(data, RemoteKeys.TABLES, null))) {
      OptionalLong id = RemoteKeys.idOf(o.key(), RemoteKeys.TABLES);
      if (id.isPresent()
          && !liveTables.contains(id.getAsLong())
          && o.lastModified().isBefore(cutoff)) {
        deletions.add(o.key());
        uploaded.remove(id.getAsLong());
      }
    }
    for (ObjectInfo o :
        retries.call("list WAL", () -> RemoteKeys.listSorted(wal, RemoteKeys.WAL, null))) {
      OptionalLong id = RemoteKeys.idOf(o.key(), RemoteKeys.WAL);
      if (id.isPresent()
          && id.getAsLong() <= minReplayAfter
          && o.sizeBytes() > 0
          && o.lastModified().isBefore(cutoff)) {
        walDeletions.add(o.key());
      }
    }
    if (deletions.isEmpty() && walDeletions.isEmpty()) {
      return;
    }
    points.hit("gc.before-delete");
    WriterClaim.checkEpoch(data, epoch);
    delete(data, deletions);
    delete(wal, walDeletions);
    LOG.info("garbage collection deleted {} objects", deletions.size() + walDeletions.size());
  }

  private void delete(ObjectStore store, List<String> keys) throws IOException {
    for (String key : keys) {
      retries.call(
          "delete " + key,
          () -> {
            store.delete(key);
            return null;
          });
      objectsDeleted++;
    }
  }
}
