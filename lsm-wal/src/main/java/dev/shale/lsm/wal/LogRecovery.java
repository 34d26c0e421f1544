package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.SegmentFormat.CORRUPT_SUFFIX;
import static dev.shale.lsm.wal.SegmentFormat.HEADER_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.REWRITE_SUFFIX;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay of a log: reads every segment oldest first, hands intact records to the consumer and
 * applies the recovery mode to the damage it finds.
 *
 * <p>How damage is classified: damage at offset X of a segment is a torn tail only when the segment
 * is the newest, the damage is of a kind a cut-off write can leave (an incomplete record, a
 * checksum mismatch, zero fill) and no intact record can be found anywhere after X (searching every
 * byte position, see {@link SegmentScanner#findNextIntact}). Anything else is mid-log damage:
 * closed segments were synced when they were rolled, so they cannot end in a torn write.
 *
 * <p>A read-only recovery (a {@link dev.shale.lsm.spi.wal.WriteAheadLog#scan}) reads like {@link
 * WalRecoveryMode#POINT_IN_TIME} up to the first damage and repairs nothing.
 */
final class LogRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

  private final Storage storage;
  private final Path directory;
  private final WalRecoveryMode mode;
  private final boolean readOnly;
  private final long afterSequence;
  private final WalReplayConsumer consumer;

  private long lastSequence = -1;
  private long lastDelivered;
  private long records;
  private int segmentsRead;
  private long droppedRecords;
  private long droppedBytes;
  private @Nullable String damage;
  private boolean namespaceChanged;

  LogRecovery(
      Storage storage,
      Path directory,
      WalRecoveryMode mode,
      boolean readOnly,
      long afterSequence,
      WalReplayConsumer consumer) {
    this.storage = storage;
    this.directory = directory;
    this.mode = readOnly ? WalRecoveryMode.POINT_IN_TIME : mode;
    this.readOnly = readOnly;
    this.afterSequence = afterSequence;
    this.consumer = consumer;
    this.lastDelivered = afterSequence;
  }

  /** Replays the segments with {@code ids} (ascending). */
  WalReplayResult run(List<Long> ids) throws IOException {
    if (!readOnly) {
      deleteLeftoverRewrites();
    }
    for (int i = 0; i < ids.size(); i++) {
      boolean newest = i == ids.size() - 1;
      if (!recoverSegment(ids.get(i), newest)) {
        setAsideAll(ids.subList(i + 1, ids.size()));
        break;
      }
    }
    if (namespaceChanged) {
      storage.syncDirectory(directory);
    }
    return new WalReplayResult(
        lastDelivered,
        records,
        segmentsRead,
        droppedRecords,
        droppedBytes,
        damage == null ? "" : damage);
  }

  /** The last sequence of the last intact record left in the log (-1 when none). */
  long lastSequenceInLog() {
    return lastSequence;
  }

  /**
   * Replays one segment and repairs it as the mode allows.
   *
   * @return false when replay stops here (a point-in-time cut) and later segments are set aside
   */
  private boolean recoverSegment(long id, boolean newest) throws IOException {
    Path path = directory.resolve(SegmentFormat.fileName(id));
    String file = path.toString();
    segmentsRead++;
    long size = storage.size(path);
    if (size == 0 && newest) {
      if (readOnly) {
        return true;
      }
      // Created, but the process died before its first write: nothing was ever in it.
      LOG.info("Removing empty newest write-ahead log segment {}", file);
      storage.delete(path);
      namespaceChanged = true;
      return true;
    }
    SegmentPlan plan = new SegmentPlan();
    try (RandomAccessInput input = storage.openInput(path);
        SegmentScanner scanner = new SegmentScanner(input)) {
      long position = HEADER_BYTES;
      SegmentScanner.Outcome outcome;
      String problem;
      if (SegmentFormat.readHeader(scanner.headerBytes(), (int) Math.min(size, HEADER_BYTES), crc())
          == null) {
        position = 0;
        outcome =
            size < HEADER_BYTES
                ? SegmentScanner.Outcome.INCOMPLETE
                : SegmentScanner.Outcome.DAMAGED;
        problem =
            size < HEADER_BYTES
                ? "segment header cut off: the file has " + size + " bytes"
                : "segment header damaged (magic, format name or checksum)";
      } else {
        outcome = scanner.examine(position, lastSequence);
        problem = scanner.problem();
      }
      while (outcome != SegmentScanner.Outcome.END) {
        if (outcome == SegmentScanner.Outcome.INTACT) {
          try {
            deliver(scanner, position);
            plan.kept.add(
                new long[] {position, scanner.recordEnd() - position, scanner.firstSequence()});
            position = scanner.recordEnd();
            outcome = scanner.examine(position, lastSequence);
            problem = scanner.problem();
            continue;
          } catch (IllegalArgumentException malformed) {
            outcome = SegmentScanner.Outcome.INCONSISTENT;
            problem = "malformed batch: " + malformed.getMessage();
          }
        }
        noteDamage(file, position, problem);
        switch (mode) {
          case ABSOLUTE_CONSISTENCY ->
              throw new CorruptionException(
                  file,
                  position,
                  problem
                      + "; ABSOLUTE_CONSISTENCY accepts no damage (open with"
                      + " TOLERATE_CORRUPTED_TAIL, POINT_IN_TIME or SKIP_CORRUPTED to recover)");
          case TOLERATE_CORRUPTED_TAIL -> {
            checkTornTail(scanner, file, position, problem, outcome, newest);
            plan.cutAt = position;
            drop(1, size - position);
            outcome = SegmentScanner.Outcome.END;
          }
          case POINT_IN_TIME -> {
            plan.cutAt = position;
            drop(1 + scanner.countIntactFrom(position + 1, lastSequence), size - position);
            plan.stopHere = true;
            outcome = SegmentScanner.Outcome.END;
          }
          case SKIP_CORRUPTED -> {
            long next = scanner.findNextIntact(position + 1, lastSequence);
            drop(1, (next < 0 ? size : next) - position);
            if (next < 0 && newest && !plan.rewrite) {
              plan.cutAt = position; // a torn tail: cut it off like TOLERATE does
            } else {
              plan.rewrite = true;
            }
            if (next < 0) {
              outcome = SegmentScanner.Outcome.END;
            } else {
              position = next;
              outcome = scanner.examine(position, lastSequence);
              problem = scanner.problem();
            }
          }
        }
      }
    }
    if (!readOnly) {
      repair(path, id, plan);
    }
    return !plan.stopHere;
  }

  private void deliver(SegmentScanner scanner, long position) throws IOException {
    long first = scanner.firstSequence();
    long last = scanner.lastSequence();
    if (last > afterSequence) {
      WriteBatch batch = scanner.batch(position);
      consumer.accept(first, batch);
      records++;
      lastDelivered = last;
    }
    lastSequence = last;
  }

  /** Throws unless the damage at {@code position} is a torn tail (see the class comment). */
  private void checkTornTail(
      SegmentScanner scanner,
      String file,
      long position,
      String problem,
      SegmentScanner.Outcome outcome,
      boolean newest)
      throws IOException {
    String why;
    if (!newest) {
      why = "damage in a closed segment (closed segments are synced, so this is not a torn write)";
    } else if (outcome == SegmentScanner.Outcome.INCONSISTENT) {
      why = "a record whose checksum holds cannot come from a torn write";
    } else {
      long next = scanner.findNextIntact(position + 1, lastSequence);
      if (next < 0) {
        return;
      }
      why = "an intact record follows at offset " + next + ", so this is not a torn tail";
    }
    throw new CorruptionException(
        file,
        position,
        problem
            + "; "
            + why
            + ". TOLERATE_CORRUPTED_TAIL only cuts off a torn tail: open with POINT_IN_TIME to"
            + " keep everything before this record, or SKIP_CORRUPTED to salvage what is intact");
  }

  private void repair(Path path, long id, SegmentPlan plan) throws IOException {
    if (plan.rewrite) {
      rewrite(path, id, plan.kept);
    } else if (plan.cutAt >= 0) {
      cut(path, plan.cutAt, plan.stopHere);
    }
  }

  /**
   * Cuts a segment at {@code position}. When nothing intact is left before it the file goes: a torn
   * tail is deleted, a point-in-time cut is set aside.
   */
  private void cut(Path path, long position, boolean setAside) throws IOException {
    if (position > HEADER_BYTES) {
      LOG.warn("Cutting write-ahead log segment {} at offset {}", path, position);
      storage.truncate(path, position);
    } else if (setAside) {
      setAside(path);
    } else {
      LOG.warn("Deleting write-ahead log segment {}: it holds no intact record", path);
      storage.delete(path);
      namespaceChanged = true;
    }
  }

  /**
   * Replaces a segment by a copy holding only its intact records, after keeping the original as
   * {@code <name>.corrupt}. The copy is written under a temporary name and renamed over the
   * original, so a crash leaves either the old or the new segment, never neither.
   */
  private void rewrite(Path path, long id, List<long[]> kept) throws IOException {
    if (kept.isEmpty()) {
      setAside(path);
      return;
    }
    Path corrupt = sibling(path, CORRUPT_SUFFIX);
    Path temporary = sibling(path, REWRITE_SUFFIX);
    LOG.warn(
        "Rewriting write-ahead log segment {} without its damaged records; the original is kept"
            + " as {}",
        path,
        corrupt);
    try (RandomAccessInput input = storage.openInput(path);
        SegmentScanner original = new SegmentScanner(input)) {
      storage.delete(corrupt);
      try (SequentialOutput copy = storage.create(corrupt)) {
        original.copyTo(0, original.length(), copy::write);
        copy.sync();
      }
      storage.delete(temporary);
      try (SequentialOutput repaired = storage.create(temporary)) {
        byte[] header = new byte[HEADER_BYTES];
        SegmentFormat.writeHeader(header, 0, id, kept.get(0)[2], crc());
        repaired.write(header);
        for (long[] extent : kept) {
          original.copyTo(extent[0], extent[1], repaired::write);
        }
        repaired.sync();
      }
    }
    storage.rename(temporary, path);
    namespaceChanged = true;
  }

  private void setAsideAll(List<Long> ids) throws IOException {
    for (long id : ids) {
      Path path = directory.resolve(SegmentFormat.fileName(id));
      long size = storage.size(path);
      long intact = 0;
      if (size > 0) {
        try (RandomAccessInput input = storage.openInput(path);
            SegmentScanner scanner = new SegmentScanner(input)) {
          intact = scanner.countIntactFrom(0, lastSequence);
        }
      }
      drop(intact, size);
      if (!readOnly) {
        setAside(path);
      }
    }
  }

  private void setAside(Path path) throws IOException {
    Path target = sibling(path, CORRUPT_SUFFIX);
    LOG.warn("Setting write-ahead log segment {} aside as {}", path, target);
    storage.rename(path, target);
    namespaceChanged = true;
  }

  private void deleteLeftoverRewrites() throws IOException {
    for (Path file : storage.list(directory)) {
      if (SegmentFormat.parseId(file, SegmentFormat.SEGMENT_SUFFIX + REWRITE_SUFFIX) >= 0) {
        storage.delete(file);
        namespaceChanged = true;
      }
    }
  }

  private void drop(long recordCount, long bytes) {
    droppedRecords += recordCount;
    droppedBytes += bytes;
  }

  private void noteDamage(String file, long position, String problem) {
    if (damage == null) {
      damage = file + " at offset " + position + ": " + problem;
    }
  }

  private static Path sibling(Path path, String suffix) {
    return path.resolveSibling(path.getFileName() + suffix);
  }

  private static CRC32C crc() {
    return new CRC32C();
  }

  /** What to do to one segment once it has been read. */
  private static final class SegmentPlan {
    /** Intact records: {offset, length, first sequence}. */
    final List<long[]> kept = new ArrayList<>();

    long cutAt = -1;
    boolean rewrite;
    boolean stopHere;
  }
}
