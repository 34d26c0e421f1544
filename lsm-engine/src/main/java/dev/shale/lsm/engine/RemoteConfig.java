package dev.shale.lsm.engine;

import dev.shale.lsm.engine.remote.WriterClaim;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.util.function.LongConsumer;

/**
 * How a Db ships its write-ahead log, tables and manifests to an object store, and recovers from
 * it. See docs/formats.md section 5 for the object layout and the fencing protocol.
 *
 * @param dataStore where manifests and tables go
 * @param walStore where WAL objects go (may be {@code dataStore}, or e.g. an S3 Express One Zone
 *     bucket while tables go to a regional bucket)
 * @param walObjectBytes a WAL object is cut once it holds this many bytes
 * @param walIntervalMillis buffered WAL data is shipped at least this often (the bound on the lag
 *     of MEMORY and LOCAL writes); REMOTE writes ship at once
 * @param maxInFlightUploads WAL objects uploading at once (at most {@link WriterClaim#FENCE_WIDTH})
 * @param retryMillis how long an upload keeps retrying transient failures before the Db gives up
 *     and turns read-only
 * @param gcGraceMillis obsolete objects are deleted only this long after they became obsolete (far
 *     beyond any plausible stall of an old primary)
 * @param pausePoints test hooks; {@code new PausePoints()} in production
 * @param restoreProgress receives bytes downloaded while tables are fetched at recovery
 * @param ownsStores whether the Db closes the stores when it closes
 */
public record RemoteConfig(
    ObjectStore dataStore,
    ObjectStore walStore,
    long walObjectBytes,
    long walIntervalMillis,
    int maxInFlightUploads,
    long retryMillis,
    long gcGraceMillis,
    PausePoints pausePoints,
    LongConsumer restoreProgress,
    boolean ownsStores) {

  /** Defaults: 1 MiB objects, 100 ms interval, 4 uploads in flight, 2 min retries, 1 h grace. */
  public static RemoteConfig of(ObjectStore dataStore, ObjectStore walStore) {
    return new RemoteConfig(
        dataStore,
        walStore,
        1 << 20,
        100,
        4,
        120_000,
        3_600_000,
        new PausePoints(),
        bytes -> {},
        false);
  }

  public RemoteConfig {
    if (walObjectBytes < 1
        || walIntervalMillis < 1
        || maxInFlightUploads < 1
        || retryMillis < 0
        || gcGraceMillis < 0) {
      throw new IllegalArgumentException("remote shipping settings must be positive");
    }
    if (maxInFlightUploads > WriterClaim.FENCE_WIDTH) {
      throw new IllegalArgumentException(
          "at most " + WriterClaim.FENCE_WIDTH + " WAL uploads may be in flight (the fence width)");
    }
  }

  /** A copy with other test hooks. */
  public RemoteConfig withPausePoints(PausePoints points) {
    return new RemoteConfig(
        dataStore,
        walStore,
        walObjectBytes,
        walIntervalMillis,
        maxInFlightUploads,
        retryMillis,
        gcGraceMillis,
        points,
        restoreProgress,
        ownsStores);
  }

  /** A copy reporting restore progress to {@code progress}. */
  public RemoteConfig withRestoreProgress(LongConsumer progress) {
    return new RemoteConfig(
        dataStore,
        walStore,
        walObjectBytes,
        walIntervalMillis,
        maxInFlightUploads,
        retryMillis,
        gcGraceMillis,
        pausePoints,
        progress,
        ownsStores);
  }

  /** A copy with another grace period for garbage collection. */
  public RemoteConfig withGcGraceMillis(long millis) {
    return new RemoteConfig(
        dataStore,
        walStore,
        walObjectBytes,
        walIntervalMillis,
        maxInFlightUploads,
        retryMillis,
        millis,
        pausePoints,
        restoreProgress,
        ownsStores);
  }

  /** A copy with other shipping cadence. */
  public RemoteConfig withShipping(long objectBytes, long intervalMillis, long retryForMillis) {
    return new RemoteConfig(
        dataStore,
        walStore,
        objectBytes,
        intervalMillis,
        maxInFlightUploads,
        retryForMillis,
        gcGraceMillis,
        pausePoints,
        restoreProgress,
        ownsStores);
  }

  /** A copy whose stores the Db closes when it closes (or fails to open). */
  public RemoteConfig withOwnedStores() {
    return new RemoteConfig(
        dataStore,
        walStore,
        walObjectBytes,
        walIntervalMillis,
        maxInFlightUploads,
        retryMillis,
        gcGraceMillis,
        pausePoints,
        restoreProgress,
        true);
  }

  /** Closes the stores if the Db owns them. */
  public void closeOwnedStores() throws java.io.IOException {
    if (ownsStores) {
      try {
        dataStore.close();
      } finally {
        if (walStore != dataStore) {
          walStore.close();
        }
      }
    }
  }
}
