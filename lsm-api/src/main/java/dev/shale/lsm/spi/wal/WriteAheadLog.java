package dev.shale.lsm.spi.wal;

import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import java.io.IOException;
import java.util.List;

/**
 * A segmented, append-only log of write batches. Each batch is one record holding the batch's first
 * sequence number, its operation count and its encoding; a record is either wholly replayed or not
 * at all.
 *
 * <p>Segments have increasing ids. Records go to the active segment; {@link #roll()} closes it and
 * makes the next append start a new one (implementations with {@link
 * WalCapability#SEGMENT_ROLL_BY_SIZE} also roll by size). The engine deletes segments whose every
 * record is flushed to SSTables with {@link #deleteSegmentsBefore}.
 *
 * <p>Threading: {@link #replay}, {@link #scan}, {@link #append}, {@link #flush}, {@link #sync},
 * {@link #roll}, {@link #deleteSegmentsBefore} and {@link #close} are called by one thread at a
 * time (the engine's commit leader or its flush thread, under the engine's lock); {@link
 * #segments()}, {@link #activeSegmentId()} and {@link #bytesWritten()} may be called from any
 * thread.
 *
 * <p>Errors: an {@link IOException} from append, flush or sync leaves the log in an unknown state;
 * the engine stops writing to it and turns read-only.
 */
public interface WriteAheadLog extends AutoCloseable {

  /**
   * Hands every intact record whose last sequence number is above {@code afterSequence} to {@code
   * consumer}, oldest first, and repairs what {@code mode} tolerates so the next open sees a clean
   * log: a torn tail is cut off; under {@link WalRecoveryMode#POINT_IN_TIME} everything from the
   * first damaged record on is set aside (never replayed again). Call at most once, before the
   * first append.
   *
   * @throws dev.shale.lsm.api.CorruptionException naming the segment file and offset when {@code
   *     mode} does not tolerate the damage found
   * @throws UnsupportedOperationException when {@code mode} is not ABSOLUTE_CONSISTENCY and the
   *     provider lacks {@link WalCapability#RECOVERY_MODES}
   */
  WalReplayResult replay(long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer)
      throws IOException;

  /**
   * Hands every intact record whose last sequence number is above {@code afterSequence} to {@code
   * consumer}, oldest first, up to the first damaged record, and changes nothing on disk: no cut,
   * no set-aside, no rewrite, no new or deleted file. For inspection tools, read-only opens and
   * checks made before a recovery decides what to repair. May be called any number of times before
   * the first append, before or instead of {@link #replay}.
   *
   * @return what was read; {@link WalReplayResult#damage()} names the file and offset where reading
   *     stopped, and the dropped counts cover what lies from there to the end of the log
   */
  WalReplayResult scan(long afterSequence, WalReplayConsumer consumer) throws IOException;

  /**
   * Appends one record holding {@code batch} with sequence numbers {@code firstSequence ..
   * firstSequence + batch.count() - 1}. May buffer; the record is not durable until {@link
   * #flush()} or {@link #sync()}. The batch is copied; the caller may reuse it afterwards.
   *
   * @throws IllegalArgumentException when {@code firstSequence} is not above every sequence
   *     appended or replayed before, or the batch is empty
   */
  void append(long firstSequence, WriteBatch batch) throws IOException;

  /** Hands appended records to the operating system (they survive a process crash). */
  void flush() throws IOException;

  /** Flushes, then forces appended records to the device (they survive power loss). */
  void sync() throws IOException;

  /**
   * Syncs and closes the active segment; the next append starts a new segment.
   *
   * @return the id of the segment the next append will go to; every record appended before this
   *     call lives in a segment with a smaller id
   */
  long roll() throws IOException;

  /** The id of the segment the next append goes to. */
  long activeSegmentId();

  /**
   * Deletes every closed segment with an id below {@code segmentId} and syncs the directory. Never
   * deletes the active segment.
   */
  void deleteSegmentsBefore(long segmentId) throws IOException;

  /** The segments on disk, oldest first. */
  List<WalSegment> segments();

  /** Bytes appended since open (headers and framing included). */
  long bytesWritten();

  /** Flushes (without syncing) and closes. Idempotent. */
  @Override
  void close() throws IOException;
}
