package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the old primary's WAL tail: objects after the manifest's replay point up to the end of our
 * fence, in order, up to the first hole (an empty object). The old primary acknowledged objects in
 * order, so nothing after a hole was ever acknowledged, and those objects are dead.
 */
public final class RemoteReplay {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteReplay.class);

  private RemoteReplay() {}

  /**
   * Hands every replayable record to {@code records}, oldest first.
   *
   * @return the id of the last object replayed, or {@code replayAfter} when none was
   * @throws CorruptionException when an object before the first hole is damaged
   */
  public static long replay(
      ObjectStore wal,
      long replayAfter,
      long fenceId,
      long ourEpoch,
      Consumer<WalObject.Record> records)
      throws IOException {
    long lastSequence = -1;
    long lastEpoch = 0;
    long replayed = replayAfter;
    for (long id = replayAfter + 1; id <= fenceId; id++) {
      String key = RemoteKeys.wal(id);
      byte[] data;
      try {
        data = wal.get(key);
      } catch (NoSuchObjectException e) {
        LOG.warn("WAL object {} is missing; replay stops before it", key);
        break;
      }
      if (data.length == 0) {
        break;
      }
      WalObject.Decoded object = WalObject.decode(key, data);
      if (object.id() != id) {
        throw new CorruptionException(key, 0, "object says it is WAL object " + object.id());
      }
      if (object.epoch() >= ourEpoch || object.epoch() < lastEpoch) {
        LOG.warn(
            "WAL object {} of epoch {} cannot follow epoch {}; replay stops",
            key,
            object.epoch(),
            lastEpoch);
        break;
      }
      if (lastSequence >= 0 && object.firstSequence() != lastSequence + 1) {
        LOG.warn(
            "WAL object {} starts at sequence {} after {}; replay stops",
            key,
            object.firstSequence(),
            lastSequence);
        break;
      }
      object.records().forEach(records);
      lastSequence = object.lastSequence();
      lastEpoch = object.epoch();
      replayed = id;
    }
    return replayed;
  }
}
