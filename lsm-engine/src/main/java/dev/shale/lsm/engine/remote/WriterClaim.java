package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Becoming the one primary of a bucket prefix (DESIGN section 7, after SlateDB's fencing): claim
 * the next writer epoch with a put-if-absent of the next manifest, then fence the WAL by writing
 * empty objects, put-if-absent, into every missing slot after the manifest's replay point and into
 * the {@link #FENCE_WIDTH} slots after the last object found. An older primary's next WAL put then
 * finds its slot taken and stops.
 */
public final class WriterClaim {
  private static final Logger LOG = LoggerFactory.getLogger(WriterClaim.class);
  private static final int MAX_ATTEMPTS = 50;

  /**
   * Empty objects written after the last WAL object found at a claim. A primary uploads at most
   * this many objects at once ({@link dev.shale.lsm.engine.RemoteConfig#maxInFlightUploads()} is
   * capped by it), so every slot an old primary may still be uploading into is taken.
   */
  public static final int FENCE_WIDTH = 16;

  private WriterClaim() {}

  /**
   * A won claim.
   *
   * @param base the newest manifest before the claim (id 0 and epoch 0 for an empty bucket)
   * @param claim the manifest written to claim the epoch
   * @param fenceId the last WAL slot of our fence: objects between the base's replay point and it
   *     are the old primary's tail (up to the first empty one), ours start after it
   */
  public record Result(RemoteManifest base, RemoteManifest claim, long fenceId) {
    public long epoch() {
      return claim.epoch();
    }

    /** Whether the bucket held no Db before. */
    public boolean emptyBucket() {
      return base.id() == 0;
    }
  }

  /**
   * Claims the next epoch and fences the WAL.
   *
   * @throws FencedException when a newer epoch appears while fencing (another primary won)
   * @throws IOException when the store fails, or other writers keep claiming
   */
  public static Result claim(
      ObjectStore data,
      ObjectStore wal,
      StoreRetries retries,
      int numLevels,
      String writerId,
      PausePoints points)
      throws IOException {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      RemoteManifest newest = retries.call("read the newest manifest", () -> readNewest(data));
      points.hit("open.read-manifest");
      RemoteManifest base = newest != null ? newest : empty(numLevels);
      RemoteManifest claim =
          base.as(base.id() + 1, base.epoch() + 1, writerId, System.currentTimeMillis());
      String key = RemoteKeys.manifest(claim.id());
      if (!retries.putIfAbsent(data, key, claim.encode(), writerId + "/manifest/" + claim.id())) {
        LOG.info("{} was written by someone else; re-reading (attempt {})", key, attempt);
        continue;
      }
      points.hit("open.claimed");
      long fence = fence(data, wal, retries, claim, writerId);
      points.hit("open.fenced");
      LOG.info(
          "claimed writer epoch {} (manifest {}), fenced the WAL at object {}",
          claim.epoch(),
          claim.id(),
          fence);
      return new Result(base, claim, fence);
    }
    throw new IOException(
        "could not claim the writer epoch after "
            + MAX_ATTEMPTS
            + " attempts: other writers keep claiming it");
  }

  /** The manifest with the highest id, or null when there is none. */
  public static @Nullable RemoteManifest readNewest(ObjectStore data) throws IOException {
    List<ObjectInfo> manifests = RemoteKeys.listSorted(data, RemoteKeys.MANIFESTS, null);
    for (int i = manifests.size() - 1; i >= 0; i--) {
      String key = manifests.get(i).key();
      if (RemoteKeys.idOf(key, RemoteKeys.MANIFESTS).isPresent()) {
        return RemoteManifest.decode(key, data.get(key));
      }
    }
    return null;
  }

  private static long fence(
      ObjectStore data,
      ObjectStore wal,
      StoreRetries retries,
      RemoteManifest claim,
      String writerId)
      throws IOException {
    long replayAfter = claim.replayAfterWalId();
    Set<Long> present = new HashSet<>();
    long max = replayAfter;
    List<ObjectInfo> tail =
        retries.call(
            "list the WAL",
            () -> RemoteKeys.listSorted(wal, RemoteKeys.WAL, RemoteKeys.wal(replayAfter)));
    for (ObjectInfo o : tail) {
      OptionalLong id = RemoteKeys.idOf(o.key(), RemoteKeys.WAL);
      if (id.isPresent() && id.getAsLong() > replayAfter) {
        present.add(id.getAsLong());
        max = Math.max(max, id.getAsLong());
      }
    }
    // A hole may be an old primary's upload still in flight: fill it so that upload fails, or see
    // the upload win and replay it. The same holds for the slots after the last object.
    long last = max + FENCE_WIDTH;
    for (long slot = replayAfter + 1; slot <= last; slot++) {
      if (!present.contains(slot)) {
        retries.putIfAbsent(wal, RemoteKeys.wal(slot), new byte[0], writerId + "/fence/" + slot);
      }
    }
    retries.call(
        "check the writer epoch",
        () -> {
          checkEpoch(data, claim.epoch());
          return null;
        });
    return last;
  }

  /**
   * The epochs whose primary may have produced {@code manifest}'s state: its own, and, while the
   * manifest before it holds the same state one epoch earlier, that one's too. A claim copies the
   * newest manifest, so a primary that crashed between its claim and its first own manifest leaves
   * a copy of its predecessor's state: a directory of that predecessor's epoch is still current.
   */
  public static Set<Long> epochsOfState(ObjectStore data, RemoteManifest manifest)
      throws IOException {
    Set<Long> epochs = new HashSet<>();
    epochs.add(manifest.epoch());
    RemoteManifest m = manifest;
    while (m.id() > 1) {
      String key = RemoteKeys.manifest(m.id() - 1);
      RemoteManifest previous;
      try {
        previous = RemoteManifest.decode(key, data.get(key));
      } catch (dev.shale.lsm.spi.objectstore.NoSuchObjectException e) {
        break; // collected
      }
      if (previous.epoch() != m.epoch() - 1 || !previous.sameState(m)) {
        break;
      }
      epochs.add(previous.epoch());
      m = previous;
    }
    return epochs;
  }

  /** Fails when a newer epoch than {@code epoch} has been claimed. */
  public static void checkEpoch(ObjectStore data, long epoch) throws IOException {
    RemoteManifest newest = readNewest(data);
    if (newest != null && newest.epoch() > epoch) {
      throw new FencedException(
          "another primary claimed writer epoch " + newest.epoch() + " (ours was " + epoch + ")",
          epoch,
          newest.epoch());
    }
  }

  private static RemoteManifest empty(int numLevels) {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < numLevels; i++) {
      levels.add(List.of());
    }
    return new RemoteManifest(0, 0, 0, 0, 1, "", 0, levels);
  }
}
