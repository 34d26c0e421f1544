package dev.shale.lsm.wal;

import static dev.shale.lsm.wal.SegmentFormat.HEADER_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.MIN_OPERATION_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.PAYLOAD_PREFIX_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.RECORD_HEADER_BYTES;
import static dev.shale.lsm.wal.SegmentFormat.TYPE_BATCH;

import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.io.RandomAccessInput;
import java.io.IOException;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Reads the records of one segment file through a sliding window, and finds the next intact record
 * after damage. Never allocates more than the bytes left in the file, whatever a length field says.
 * Not thread-safe; closing it closes the input.
 */
final class SegmentScanner implements AutoCloseable {

  /** What {@link #examine} found at a position. */
  enum Outcome {
    /** A whole record whose checksum and fields check out. */
    INTACT,
    /** The position is the end of the file: no more records. */
    END,
    /** The file ends inside the record (a cut-off write, or a damaged length field). */
    INCOMPLETE,
    /** The record's checksum does not match (a torn write, zero fill, or bit rot). */
    DAMAGED,
    /**
     * The checksum holds but the record makes no sense here (bad fields, or a sequence that goes
     * backwards). A torn write cannot produce this, so it is never taken for a torn tail.
     */
    INCONSISTENT
  }

  private static final int WINDOW_BYTES = 64 * 1024;

  /** The smallest whole record: framing, payload prefix and one operation. */
  private static final int MIN_RECORD_BYTES =
      RECORD_HEADER_BYTES + PAYLOAD_PREFIX_BYTES + MIN_OPERATION_BYTES;

  private final RandomAccessInput input;
  private final long length;
  private final CRC32C crc = new CRC32C();

  private byte[] window = new byte[WINDOW_BYTES];
  private long windowStart;
  private int windowLength;

  // The record last examined (valid after INTACT or INCONSISTENT).
  private long recordEnd;
  private long firstSequence;
  private int count;
  private String problem = "";

  SegmentScanner(RandomAccessInput input) {
    this.input = input;
    this.length = input.length();
  }

  long length() {
    return length;
  }

  /** The first {@code min(length, HEADER_BYTES)} bytes, in a new array of HEADER_BYTES. */
  byte[] headerBytes() throws IOException {
    byte[] header = new byte[HEADER_BYTES];
    int n = (int) Math.min(HEADER_BYTES, length);
    if (n > 0) {
      int at = load(0, n);
      System.arraycopy(window, at, header, 0, n);
    }
    return header;
  }

  /**
   * Examines the record at {@code position}; {@code lastSequence} is the last sequence of the
   * record before it in the log (-1 for none), which this one must be above.
   */
  Outcome examine(long position, long lastSequence) throws IOException {
    long remaining = length - position;
    if (remaining == 0) {
      return Outcome.END;
    }
    if (remaining < RECORD_HEADER_BYTES) {
      problem = "record framing cut off: the file ends " + remaining + " bytes into it";
      return Outcome.INCOMPLETE;
    }
    int at = load(position, RECORD_HEADER_BYTES);
    long payloadLength = Integer.toUnsignedLong(SegmentFormat.getInt(window, at + 4));
    if (payloadLength > remaining - RECORD_HEADER_BYTES) {
      problem =
          "record length "
              + payloadLength
              + " runs past the end of the file ("
              + (remaining - RECORD_HEADER_BYTES)
              + " bytes left)";
      return Outcome.INCOMPLETE;
    }
    if (payloadLength > SegmentFormat.MAX_PAYLOAD_BYTES) {
      problem = "record length " + payloadLength + " exceeds the largest batch record";
      return Outcome.DAMAGED;
    }
    int recordBytes = RECORD_HEADER_BYTES + (int) payloadLength;
    at = load(position, recordBytes);
    if (!checksumMatches(at, (int) payloadLength)) {
      problem = "record checksum mismatch";
      return Outcome.DAMAGED;
    }
    recordEnd = position + recordBytes;
    byte type = window[at + 8];
    if (type != TYPE_BATCH) {
      problem = "unknown record type " + (type & 0xFF);
      return Outcome.INCONSISTENT;
    }
    if (payloadLength < PAYLOAD_PREFIX_BYTES + MIN_OPERATION_BYTES) {
      problem = "record payload of " + payloadLength + " bytes is too short for one operation";
      return Outcome.INCONSISTENT;
    }
    firstSequence = SegmentFormat.getLong(window, at + RECORD_HEADER_BYTES);
    count = SegmentFormat.getInt(window, at + RECORD_HEADER_BYTES + 8);
    String fields = checkFields(firstSequence, count, payloadLength);
    if (fields != null) {
      problem = fields;
      return Outcome.INCONSISTENT;
    }
    if (firstSequence <= lastSequence) {
      problem =
          "sequence goes backwards: record starts at "
              + firstSequence
              + " after a record ending at "
              + lastSequence;
      return Outcome.INCONSISTENT;
    }
    return Outcome.INTACT;
  }

  /**
   * Decodes the batch of the record last examined as INTACT.
   *
   * @throws IllegalArgumentException when its operations are malformed
   */
  WriteBatch batch(long position) throws IOException {
    int batchLength = (int) (recordEnd - position) - RECORD_HEADER_BYTES - PAYLOAD_PREFIX_BYTES;
    int at = load(position, (int) (recordEnd - position));
    return WriteBatch.fromEncoded(
        window, at + RECORD_HEADER_BYTES + PAYLOAD_PREFIX_BYTES, batchLength, count);
  }

  /**
   * Finds the first position at or after {@code from} holding a record whose framing and checksum
   * hold and whose sequence is above {@code lastSequence}: how the reader resynchronises after a
   * damaged record, whose length field cannot be trusted. Every byte position is a candidate; cheap
   * field checks (type, a length that fits, a plausible sequence range and count) reject nearly all
   * of them before any checksum is computed.
   *
   * @return the position (the record's fields are then available), or -1 when none follows
   */
  long findNextIntact(long from, long lastSequence) throws IOException {
    for (long p = Math.max(from, 0); length - p >= MIN_RECORD_BYTES; p++) {
      int at = load(p, RECORD_HEADER_BYTES + PAYLOAD_PREFIX_BYTES);
      if (window[at + 8] != TYPE_BATCH) {
        continue;
      }
      long payloadLength = Integer.toUnsignedLong(SegmentFormat.getInt(window, at + 4));
      if (payloadLength < PAYLOAD_PREFIX_BYTES + MIN_OPERATION_BYTES
          || payloadLength > SegmentFormat.MAX_PAYLOAD_BYTES
          || payloadLength > length - p - RECORD_HEADER_BYTES) {
        continue;
      }
      long first = SegmentFormat.getLong(window, at + RECORD_HEADER_BYTES);
      int n = SegmentFormat.getInt(window, at + RECORD_HEADER_BYTES + 8);
      if (first <= lastSequence || checkFields(first, n, payloadLength) != null) {
        continue;
      }
      at = load(p, RECORD_HEADER_BYTES + (int) payloadLength);
      if (checksumMatches(at, (int) payloadLength)) {
        recordEnd = p + RECORD_HEADER_BYTES + payloadLength;
        firstSequence = first;
        count = n;
        return p;
      }
    }
    return -1;
  }

  /** Counts the intact records from {@code from} on, resynchronising past damage. */
  long countIntactFrom(long from, long lastSequence) throws IOException {
    long n = 0;
    long last = lastSequence;
    for (long p = findNextIntact(from, last); p >= 0; p = findNextIntact(recordEnd, last)) {
      n++;
      last = lastSequence();
    }
    return n;
  }

  long recordEnd() {
    return recordEnd;
  }

  long firstSequence() {
    return firstSequence;
  }

  long lastSequence() {
    return firstSequence + count - 1;
  }

  /** What was wrong with the record last examined. */
  String problem() {
    return problem;
  }

  /** Copies {@code n} bytes at {@code position} to {@code target}, in window-sized pieces. */
  void copyTo(long position, long n, ChunkSink target) throws IOException {
    long done = 0;
    while (done < n) {
      int piece = (int) Math.min(WINDOW_BYTES, n - done);
      int at = load(position + done, piece);
      target.write(window, at, piece);
      done += piece;
    }
  }

  /** Receives bytes copied out of the segment. */
  interface ChunkSink {
    void write(byte[] bytes, int offset, int length) throws IOException;
  }

  @Override
  public void close() throws IOException {
    input.close();
  }

  private static @Nullable String checkFields(long first, int n, long payloadLength) {
    if (n < 1 || n > (payloadLength - PAYLOAD_PREFIX_BYTES) / MIN_OPERATION_BYTES) {
      return "operation count "
          + Integer.toUnsignedString(n)
          + " does not fit a payload of "
          + payloadLength
          + " bytes";
    }
    if (!Sequences.isValid(first) || !Sequences.isValid(first + n - 1)) {
      return "sequence range " + first + "+" + n + " is not valid";
    }
    return null;
  }

  private boolean checksumMatches(int at, int payloadLength) {
    crc.reset();
    crc.update(window, at + 4, 5 + payloadLength);
    return (int) crc.getValue() == SegmentFormat.getInt(window, at);
  }

  /**
   * Makes bytes {@code [position, position + n)} available in {@link #window} and returns where
   * they start there. The caller has checked that they lie inside the file, so the window grows to
   * at most the file's remaining length.
   */
  private int load(long position, int n) throws IOException {
    if (position >= windowStart && position + n <= windowStart + windowLength) {
      return (int) (position - windowStart);
    }
    if (n > window.length) {
      window = new byte[n];
    } else if (n <= WINDOW_BYTES && window.length > WINDOW_BYTES) {
      window = new byte[WINDOW_BYTES]; // let go of a large record's buffer
    }
    int toRead = (int) Math.min(window.length, length - position);
    input.readFully(position, window, 0, toRead);
    windowStart = position;
    windowLength = toRead;
    return 0;
  }
}
