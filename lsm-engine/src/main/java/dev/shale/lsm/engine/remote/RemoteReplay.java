package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the old primaries' WAL tail: the objects after the base manifest's replay point and before
 * this claim's fence, in id order, up to the first that cannot continue the history (an empty
 * object, which is another claim's fence, a missing object, an object of an older epoch than one
 * before it or of this claim's epoch or later, or a break in the sequences). Old primaries
 * acknowledge only an unbroken run of their own objects, so nothing after such a stop was ever
 * acknowledged, and those objects are dead.
 */
public final class RemoteReplay {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteReplay.class);

  private RemoteReplay() {}

  /**
   * The objects to replay.
   *
   * @param objects the replayable objects, oldest first
   * @param lastId the id of the last of them, or the replay point when there is none
   * @param stop why reading stopped before the fence, or empty when it reached it
   */
  public record Tail(List<WalObject.Decoded> objects, long lastId, String stop) {
    /** The writer epochs of its objects. */
    public Set<Long> epochs() {
      Set<Long> epochs = new TreeSet<>();
      objects.forEach(o -> epochs.add(o.epoch()));
      return epochs;
    }

    /** Every record, oldest first. */
    public List<WalObject.Record> records() {
      List<WalObject.Record> records = new ArrayList<>();
      objects.forEach(o -> records.addAll(o.records()));
      return records;
    }
  }

  /**
   * Reads the tail between {@code replayAfter} and {@code fenceSlot} (both excluded).
   *
   * @throws CorruptionException when an object before the first stop is damaged
   */
  public static Tail read(ObjectStore wal, long replayAfter, long fenceSlot, long ourEpoch)
      throws IOException {
    List<WalObject.Decoded> objects = new ArrayList<>();
    long lastSequence = -1;
    long lastEpoch = 0;
    long lastId = replayAfter;
    String stop = "";
    for (long id = replayAfter + 1; id < fenceSlot; id++) {
      String key = RemoteKeys.wal(id);
      byte[] data;
      try {
        data = wal.get(key);
      } catch (NoSuchObjectException e) {
        stop = key + " is missing";
        break;
      }
      if (data.length == 0) {
        stop = key + " is another claim's fence";
        break;
      }
      WalObject.Decoded object = WalObject.decode(key, data);
      if (object.id() != id) {
        throw new CorruptionException(key, 0, "object says it is WAL object " + object.id());
      }
      if (object.epoch() >= ourEpoch || object.epoch() < lastEpoch) {
        stop = key + " of writer epoch " + object.epoch() + " cannot follow epoch " + lastEpoch;
        break;
      }
      if (lastSequence >= 0 && object.firstSequence() != lastSequence + 1) {
        stop = key + " starts at sequence " + object.firstSequence() + " after " + lastSequence;
        break;
      }
      objects.add(object);
      lastSequence = object.lastSequence();
      lastEpoch = object.epoch();
      lastId = id;
    }
    if (!stop.isEmpty()) {
      LOG.info("the WAL tail ends before the fence at {}: {}", fenceSlot, stop);
    }
    return new Tail(objects, lastId, stop);
  }
}
