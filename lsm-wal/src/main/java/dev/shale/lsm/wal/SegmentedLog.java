package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.SegmentFormat.HEADER_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.PAYLOAD_PREFIX_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.RECORD_HEADER_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.SEGMENT_SUFFIX;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "segmented" write-ahead log: numbered segment files in one directory, one checksummed record
 * per batch (docs/formats.md section 2).
 *
 * <p>Appends encode into one reusable buffer; {@link #flush} and {@link #sync} hand the whole
 * buffer to the file in one write, so a commit group costs one write (and one fsync). A segment
 * file is created at the first append after open or roll, because its header records the first
 * sequence number it holds; creating and deleting segments syncs the directory.
 *
 * <p>After an {@link IOException} from a write the log refuses every further write: bytes written
 * after a failed write could turn a torn tail into mid-log damage.
 */
final class SegmentedLog implements WriteAheadLog {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

  /** Pending bytes beyond which an append writes them out first, to bound the buffer. */
  private static final int WRITE_THRESHOLD = 1 << 20;

  /** A buffer grown past this by a large batch is let go once written. */
  private static final int KEEP_BUFFER_BYTES = 4 << 20;

  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;
  private static final int MAX_BUFFER_BYTES = Integer.MAX_VALUE - 16;

  private final Storage storage;
  private final Path directory;
  private final long segmentBytes;

  /** Guards {@link #closedSegments} and the switch of the active segment, for readers. */
  private final Object segmentsLock = new Object();

  /** Closed segments on disk: id to size. Guarded by {@link #segmentsLock}. */
  private final TreeMap<Long, Long> closedSegments = new TreeMap<>();

  private volatile long activeId;

  /** Bytes handed to the active segment's file, or -1 when it has not been created yet. */
  private volatile long activeWrittenBytes = -1;

  private final AtomicLong bytesWritten = new AtomicLong();
  private volatile boolean closed;

  // Writer state: used by one thread at a time (see WriteAheadLog).
  private @Nullable SequentialOutput output;
  private long activeAppendedBytes;
  private byte[] pending = new byte[INITIAL_BUFFER_BYTES];
  private int pendingLength;
  private final CRC32C crc = new CRC32C();
  private long lastSequence;
  private boolean replayed;
  private boolean appended;
  private boolean createdSegment;
  private @Nullable IOException failure;

  private SegmentedLog(WalOptions options) {
    this.storage = options.storage();
    this.directory = options.directory();
    this.segmentBytes = options.segmentBytes();
  }

  /** Opens the log in {@code options.directory()}, reading segment headers only. */
  static SegmentedLog open(WalOptions options) throws IOException {
    SegmentedLog log = new SegmentedLog(options);
    options.storage().createDirectories(options.directory());
    log.scanDirectory(true);
    return log;
  }

  /**
   * Lists the segments and checks their headers. A header that names another version of this
   * format, or another segment id, is refused here; a damaged or cut-off header is left for replay,
   * whose recovery mode decides what it means.
   */
  private void scanDirectory(boolean checkHeaders) throws IOException {
    long maxId = activeId - 1;
    long floor = -1;
    TreeMap<Long, Long> found = new TreeMap<>();
    for (Path file : storage.list(directory)) {
      long id = SegmentFormat.parseId(file, SEGMENT_SUFFIX);
      if (id >= 0) {
        long size = storage.size(file);
        found.put(id, size);
        if (checkHeaders && size > 0) {
          floor = Math.max(floor, checkHeader(file, id, size));
        }
      } else {
        // A set-aside segment keeps its id reserved, so an id is never reused.
        id = SegmentFormat.parseId(file, SEGMENT_SUFFIX + SegmentFormat.CORRUPT_SUFFIX);
      }
      maxId = Math.max(maxId, id);
    }
    synchronized (segmentsLock) {
      closedSegments.clear();
      closedSegments.putAll(found);
      activeId = Math.max(maxId + 1, 1);
    }
    if (checkHeaders) {
      lastSequence = floor;
    }
  }

  /** Returns the first sequence the header records, or -1 when it is damaged. */
  private long checkHeader(Path file, long id, long size) throws IOException {
    byte[] header = new byte[HEADER_BYTES];
    int n = (int) Math.min(size, HEADER_BYTES);
    try (RandomAccessInput input = storage.openInput(file)) {
      input.readFully(0, header, 0, n);
    }
    String unsupported = SegmentFormat.unsupportedVersion(header, n);
    if (unsupported != null) {
      throw new CorruptionException(file.toString(), SegmentFormat.VERSION_OFFSET, unsupported);
    }
    SegmentFormat.Header parsed = SegmentFormat.readHeader(header, n, crc);
    if (parsed == null) {
      return -1;
    }
    if (parsed.segmentId() != id) {
      throw new CorruptionException(
          file.toString(),
          SegmentFormat.SEGMENT_ID_OFFSET,
          "the header names segment "
              + parsed.segmentId()
              + " but the file is named for segment "
              + id
              + " (was it renamed or copied from another log?)");
    }
    return parsed.firstSequence();
  }

  @Override
  public WalReplayResult replay(
      long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer) throws IOException {
    ensureOpen();
    if (appended) {
      throw new IllegalStateException("replay must come before the first append");
    }
    if (replayed) {
      throw new IllegalStateException("replay was already called on this log");
    }
    List<Long> ids;
    synchronized (segmentsLock) {
      ids = new ArrayList<>(closedSegments.keySet());
    }
    LogRecovery recovery =
        new LogRecovery(storage, directory, mode, false, afterSequence, consumer);
    WalReplayResult result = recovery.run(ids);
    replayed = true;
    lastSequence = Math.max(-1, Math.max(afterSequence, recovery.lastSequenceInLog()));
    scanDirectory(false);
    return result;
  }

  @Override
  public WalReplayResult scan(long afterSequence, WalReplayConsumer consumer) throws IOException {
    ensureOpen();
    if (appended) {
      throw new IllegalStateException("scan must come before the first append");
    }
    List<Long> ids;
    synchronized (segmentsLock) {
      ids = new ArrayList<>(closedSegments.keySet());
    }
    return new LogRecovery(
            storage, directory, WalRecoveryMode.POINT_IN_TIME, true, afterSequence, consumer)
        .run(ids);
  }

  @Override
  public void append(long firstSequence, WriteBatch batch) throws IOException {
    ensureOpen();
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("cannot append an empty batch");
    }
    long last = firstSequence + batch.count() - 1;
    if (!Sequences.isValid(firstSequence) || !Sequences.isValid(last)) {
      throw new IllegalArgumentException(
          "sequences " + firstSequence + ".." + last + " are outside 0.." + Sequences.MAX_SEQUENCE);
    }
    if (firstSequence <= lastSequence) {
      throw new IllegalArgumentException(
          "first sequence "
              + firstSequence
              + " is not above "
              + lastSequence
              + ", the last sequence appended or replayed");
    }
    checkNotFailed();
    try {
      if (output != null && activeAppendedBytes >= segmentBytes) {
        rollActive();
      } else if (pendingLength >= WRITE_THRESHOLD) {
        writePending();
      }
      if (output == null) {
        startSegment(firstSequence);
      }
      int payloadLength = PAYLOAD_PREFIX_BYTES + batch.encodedLength();
      int recordBytes = RECORD_HEADER_BYTES + payloadLength;
      int at = reserve(recordBytes);
      int payloadAt = at + RECORD_HEADER_BYTES;
      SegmentFormat.putLong(pending, payloadAt, firstSequence);
      SegmentFormat.putInt(pending, payloadAt + 8, batch.count());
      batch.copyEncodedTo(pending, payloadAt + PAYLOAD_PREFIX_BYTES);
      SegmentFormat.frameRecord(pending, at, payloadLength, crc);
      pendingLength = at + recordBytes;
      activeAppendedBytes += recordBytes;
      bytesWritten.addAndGet(recordBytes);
    } catch (IOException e) {
      throw fail(e);
    }
    appended = true;
    lastSequence = last;
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    checkNotFailed();
    SequentialOutput out = output;
    if (out == null) {
      return;
    }
    try {
      writePending();
      out.flush();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void sync() throws IOException {
    ensureOpen();
    checkNotFailed();
    SequentialOutput out = output;
    if (out == null) {
      return; // every record appended so far is in a segment that roll() synced
    }
    try {
      writePending();
      out.sync();
    } catch (IOException e) {
      throw fail(e);
    }
  }

  @Override
  public long roll() throws IOException {
    ensureOpen();
    checkNotFailed();
    if (output != null) {
      try {
        rollActive();
      } catch (IOException e) {
        throw fail(e);
      }
    }
    return activeId;
  }

  @Override
  public long activeSegmentId() {
    return activeId;
  }

  @Override
  public void deleteSegmentsBefore(long segmentId) throws IOException {
    ensureOpen();
    List<Long> doomed;
    synchronized (segmentsLock) {
      doomed = new ArrayList<>(closedSegments.headMap(segmentId).keySet());
    }
    if (doomed.isEmpty()) {
      return;
    }
    try {
      for (long id : doomed) {
        storage.delete(segmentPath(id));
        synchronized (segmentsLock) {
          closedSegments.remove(id);
        }
      }
    } finally {
      storage.syncDirectory(directory);
    }
  }

  @Override
  public List<WalSegment> segments() {
    synchronized (segmentsLock) {
      List<WalSegment> list = new ArrayList<>(closedSegments.size() + 1);
      for (Map.Entry<Long, Long> e : closedSegments.entrySet()) {
        list.add(
            new WalSegment(e.getKey(), segmentPath(e.getKey()).toString(), e.getValue(), false));
      }
      long written = activeWrittenBytes;
      if (written >= 0) {
        list.add(new WalSegment(activeId, segmentPath(activeId).toString(), written, true));
      }
      return List.copyOf(list);
    }
  }

  @Override
  public long bytesWritten() {
    return bytesWritten.get();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    SequentialOutput out = output;
    if (out == null) {
      return;
    }
    try {
      if (failure == null) {
        writePending();
      }
    } finally {
      output = null;
      long size = out.position();
      try {
        out.close();
      } catch (IOException e) {
        if (failure == null) {
          throw e;
        }
        LOG.debug("Closing the failed write-ahead log in {} failed too", directory, e);
      } finally {
        closeActive(size);
      }
    }
  }

  /** Creates the active segment's file and puts its header first in the buffer. */
  private void startSegment(long firstSequence) throws IOException {
    if (!createdSegment) {
      syncNewestExistingSegment();
      createdSegment = true;
    }
    long id = activeId;
    SequentialOutput out = storage.create(segmentPath(id));
    output = out;
    storage.syncDirectory(directory);
    activeWrittenBytes = 0;
    int at = reserve(HEADER_BYTES);
    SegmentFormat.writeHeader(pending, at, id, firstSequence, crc);
    pendingLength = at + HEADER_BYTES;
    activeAppendedBytes = HEADER_BYTES;
    bytesWritten.addAndGet(HEADER_BYTES);
  }

  /**
   * Makes the newest segment of an earlier session durable before a newer one exists. That session
   * may have closed it without syncing; were its unsynced tail lost after records land in a newer
   * segment, a torn tail would sit in the middle of the log. {@link Storage#truncate} to the
   * current size is how the storage layer syncs a file this process did not write.
   */
  private void syncNewestExistingSegment() throws IOException {
    Long newest;
    synchronized (segmentsLock) {
      newest = closedSegments.isEmpty() ? null : closedSegments.lastKey();
    }
    if (newest != null) {
      Path path = segmentPath(newest);
      storage.truncate(path, storage.size(path));
    }
  }

  private void rollActive() throws IOException {
    SequentialOutput out = output;
    if (out == null) {
      return;
    }
    writePending();
    out.sync();
    output = null;
    long size = out.position();
    out.close();
    closeActive(size);
  }

  private void closeActive(long size) {
    synchronized (segmentsLock) {
      closedSegments.put(activeId, size);
      activeWrittenBytes = -1;
      activeId = activeId + 1;
    }
  }

  private void writePending() throws IOException {
    SequentialOutput out = output;
    if (out == null || pendingLength == 0) {
      return;
    }
    out.write(pending, 0, pendingLength);
    pendingLength = 0;
    activeWrittenBytes = out.position();
    if (pending.length > KEEP_BUFFER_BYTES) {
      pending = new byte[INITIAL_BUFFER_BYTES];
    }
  }

  /** Makes room for {@code n} more pending bytes and returns where they go. */
  private int reserve(int n) throws IOException {
    if ((long) pendingLength + n > MAX_BUFFER_BYTES) {
      writePending();
    }
    int needed = pendingLength + n;
    if (needed > pending.length) {
      long grown = Math.max(needed, Math.min((long) pending.length * 2, MAX_BUFFER_BYTES));
      pending = Arrays.copyOf(pending, (int) grown);
    }
    return pendingLength;
  }

  private Path segmentPath(long id) {
    return directory.resolve(SegmentFormat.fileName(id));
  }

  private IOException fail(IOException e) {
    if (failure == null) {
      failure = e;
    }
    pendingLength = 0;
    return e;
  }

  private void checkNotFailed() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException(
          "the write-ahead log in "
              + directory
              + " failed earlier and accepts no more writes; close and reopen it",
          f);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the write-ahead log in " + directory + " is closed");
    }
  }
}
