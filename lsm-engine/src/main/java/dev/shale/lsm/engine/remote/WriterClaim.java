package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Becoming the one primary of a bucket prefix (docs/formats.md section 5, after SlateDB's fencing):
 * claim the next writer epoch with a put-if-absent of the next manifest, then fence the WAL by
 * winning one slot with an empty object, put-if-absent, trying the slots after the manifest's
 * replay point in order. Every slot below the won one was found taken, so the old primary's objects
 * there are the tail to replay; the old primary can never acknowledge anything at or after the won
 * slot, because it acknowledges only an unbroken run of its own objects. This primary ships from
 * {@link #FENCE_WIDTH} slots after its fence, beyond any upload an older primary may still have in
 * flight.
 */
public final class WriterClaim {
  private static final Logger LOG = LoggerFactory.getLogger(WriterClaim.class);
  private static final int MAX_ATTEMPTS = 50;

  /**
   * The most WAL uploads a primary has in flight at once ({@link
   * dev.shale.lsm.engine.RemoteConfig#maxInFlightUploads()} is capped by it). An old primary's
   * uploads can therefore reach at most {@code FENCE_WIDTH - 1} slots past a fence; a new primary
   * starts shipping after them. Part of the protocol: every writer of a bucket must use one value.
   */
  public static final int FENCE_WIDTH = 16;

  /** Fence puts tried before a claim gives up (the WAL keeps growing faster than it is fenced). */
  private static final int MAX_FENCE_PUTS = 10_000;

  private WriterClaim() {}

  /**
   * A won claim.
   *
   * @param base the newest manifest before the claim (id 0 and epoch 0 for an empty bucket)
   * @param claim the manifest written to claim the epoch
   * @param fenceSlot the WAL slot this claim won with an empty object: the objects between the
   *     base's replay point and it are the old primary's tail (up to the first empty one)
   */
  public record Result(RemoteManifest base, RemoteManifest claim, long fenceSlot) {
    public long epoch() {
      return claim.epoch();
    }

    /** Whether the bucket held no Db before. */
    public boolean emptyBucket() {
      return base.id() == 0;
    }

    /**
     * The last slot this primary leaves unused: it ships into the slots after it, and its first
     * manifest lets replay start after it.
     */
    public long shipAfter() {
      return fenceSlot + FENCE_WIDTH - 1;
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
      long fence = fence(data, wal, retries, claim, writerId, points);
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
        try {
          return RemoteManifest.decode(key, data.get(key));
        } catch (CorruptionException e) {
          throw new CorruptionException(
              e.file(),
              e.offset(),
              e.detail()
                  + ". It is the newest manifest of "
                  + data.uri()
                  + ", so no primary can open the bucket. Nothing was changed. To open it from the"
                  + " manifest before (its tables and the write-ahead log after it are kept for the"
                  + " garbage-collection grace period), move "
                  + key
                  + " out of the bucket, keeping a copy, and open again",
              e);
        }
      }
    }
    return null;
  }

  /**
   * Wins the first free WAL slot after the claim's replay point with an empty object. Slots a
   * listing shows taken are skipped; every other slot is tried with a put-if-absent, in order, so
   * that when a put wins, every slot below it is known to be taken. A lost put means an old
   * primary's upload got there first: that object is part of the tail, and the next slot is tried.
   */
  private static long fence(
      ObjectStore data,
      ObjectStore wal,
      StoreRetries retries,
      RemoteManifest claim,
      String writerId,
      PausePoints points)
      throws IOException {
    long slot = claim.replayAfterWalId() + 1;
    Set<Long> taken = listTaken(wal, retries, slot - 1);
    for (int puts = 0; puts < MAX_FENCE_PUTS; slot++) {
      if (taken.contains(slot)) {
        continue;
      }
      points.hit("fence.before-put");
      puts++;
      if (retries.putIfAbsent(
          wal, RemoteKeys.wal(slot), new byte[0], writerId + "/fence/" + slot)) {
        retries.call(
            "check the writer epoch",
            () -> {
              checkEpoch(data, claim.epoch());
              return null;
            });
        return slot;
      }
      if (puts % 8 == 0) {
        // An old primary is shipping fast: skip what it uploaded since the last listing.
        taken = listTaken(wal, retries, slot);
      }
    }
    throw new IOException(
        "could not fence the write-ahead log after "
            + MAX_FENCE_PUTS
            + " tries: an old primary keeps taking the next slot; stop it and open again");
  }

  /** The ids of the WAL objects after {@code after}. */
  private static Set<Long> listTaken(ObjectStore wal, StoreRetries retries, long after)
      throws IOException {
    Set<Long> taken = new HashSet<>();
    for (ObjectInfo o :
        retries.call(
            "list the WAL",
            () -> RemoteKeys.listSorted(wal, RemoteKeys.WAL, RemoteKeys.wal(after)))) {
      RemoteKeys.idOf(o.key(), RemoteKeys.WAL).ifPresent(taken::add);
    }
    return taken;
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
      } catch (CorruptionException e) {
        // Fewer epochs can only make the caller restore a directory it might have kept.
        LOG.warn("{} is damaged; not looking further back: {}", key, e.getMessage());
        break;
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
