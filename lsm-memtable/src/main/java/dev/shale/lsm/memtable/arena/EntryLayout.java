package dev.shale.lsm.memtable.arena;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.Sequences;
import java.util.Arrays;

/**
 * How one internal entry is laid out in an {@link Arena}, and the comparisons done on it in place
 * (no copy, no allocation).
 *
 * <pre>
 *   +0  key length   (int)
 *   +4  value length (int)
 *   +8  trailer      (long: sequence &lt;&lt; 8 | kind code)
 *   +16 key bytes, then value bytes
 * </pre>
 *
 * <p>Internal-key order is user key ascending (unsigned bytes), then trailer descending. Trailers
 * compare unsigned: a sequence number of 2^55 or more sets the trailer's sign bit.
 */
public final class EntryLayout {
  /** Bytes before the key. */
  public static final int HEADER = 16;

  private static final byte[] EMPTY = new byte[0];

  private EntryLayout() {}

  /** Bytes an entry takes, padded to the arena's unit. */
  public static int size(int keyLength, int valueLength) {
    return Arena.roundUp((long) HEADER + keyLength + valueLength);
  }

  /**
   * Checks the arguments of {@code Memtable.add} and returns the entry's trailer.
   *
   * @throws IllegalArgumentException for an invalid sequence, a slice outside {@code buffer}, or a
   *     tombstone with a value
   */
  public static long checkedTrailer(
      long sequence,
      EntryKind kind,
      byte[] buffer,
      int keyOffset,
      int keyLength,
      int valueOffset,
      int valueLength) {
    if (!Sequences.isValid(sequence)) {
      throw new IllegalArgumentException("sequence out of range: " + sequence);
    }
    if (keyOffset < 0 || keyLength < 0 || keyLength > buffer.length - keyOffset) {
      throw new IllegalArgumentException(
          "key slice [" + keyOffset + ", +" + keyLength + ") outside buffer of " + buffer.length);
    }
    if (valueOffset < 0 || valueLength < 0 || valueLength > buffer.length - valueOffset) {
      throw new IllegalArgumentException(
          "value slice ["
              + valueOffset
              + ", +"
              + valueLength
              + ") outside buffer of "
              + buffer.length);
    }
    if (kind == EntryKind.DELETE && valueLength != 0) {
      throw new IllegalArgumentException("a tombstone has no value, got " + valueLength + " bytes");
    }
    return Sequences.trailer(sequence, kind);
  }

  /** Writes an entry at {@code offset} of {@code chunk}, copying key and value from the source. */
  public static void write(
      byte[] chunk,
      int offset,
      long trailer,
      byte[] source,
      int keyOffset,
      int keyLength,
      int valueOffset,
      int valueLength) {
    Arena.putInt(chunk, offset, keyLength);
    Arena.putInt(chunk, offset + 4, valueLength);
    Arena.putLong(chunk, offset + 8, trailer);
    System.arraycopy(source, keyOffset, chunk, offset + HEADER, keyLength);
    System.arraycopy(source, valueOffset, chunk, offset + HEADER + keyLength, valueLength);
  }

  /**
   * The probe trailer that makes "first entry at or after (key, probe)" the newest version with a
   * sequence {@code <= snapshot}: the largest trailer any such version can have.
   *
   * @throws IllegalArgumentException when {@code snapshot} is negative
   */
  public static long probeTrailer(long snapshot) {
    if (snapshot < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + snapshot);
    }
    return (Math.min(snapshot, Sequences.MAX_SEQUENCE) << 8) | 0xFF;
  }

  /** The trailer of the entry at {@code offset}. */
  public static long trailer(byte[] chunk, int offset) {
    return Arena.getLong(chunk, offset + 8);
  }

  /** The key length of the entry at {@code offset}. */
  public static int keyLength(byte[] chunk, int offset) {
    return Arena.getInt(chunk, offset);
  }

  /**
   * Compares the entry at {@code offset} with the internal key {@code (key, trailer)}: negative
   * when the entry comes first.
   */
  public static int compareTo(byte[] chunk, int offset, byte[] key, long trailer) {
    int keyLength = Arena.getInt(chunk, offset);
    int start = offset + HEADER;
    int c = Arrays.compareUnsigned(chunk, start, start + keyLength, key, 0, key.length);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(trailer, Arena.getLong(chunk, offset + 8));
  }

  /** Compares two entries in internal-key order: negative when the first comes first. */
  public static int compare(byte[] chunkA, int offsetA, byte[] chunkB, int offsetB) {
    int keyLengthA = Arena.getInt(chunkA, offsetA);
    int keyLengthB = Arena.getInt(chunkB, offsetB);
    int a = offsetA + HEADER;
    int b = offsetB + HEADER;
    int c = Arrays.compareUnsigned(chunkA, a, a + keyLengthA, chunkB, b, b + keyLengthB);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(
        Arena.getLong(chunkB, offsetB + 8), Arena.getLong(chunkA, offsetA + 8));
  }

  /** Whether the entry at {@code offset} has user key {@code key}. */
  public static boolean hasKey(byte[] chunk, int offset, byte[] key) {
    int keyLength = Arena.getInt(chunk, offset);
    int start = offset + HEADER;
    return Arrays.equals(chunk, start, start + keyLength, key, 0, key.length);
  }

  /** A copy of the entry's user key. */
  public static byte[] copyKey(byte[] chunk, int offset) {
    int keyLength = Arena.getInt(chunk, offset);
    int start = offset + HEADER;
    return keyLength == 0 ? EMPTY : Arrays.copyOfRange(chunk, start, start + keyLength);
  }

  /** A copy of the entry's value (a shared empty array when it has none). */
  public static byte[] copyValue(byte[] chunk, int offset) {
    int valueLength = Arena.getInt(chunk, offset + 4);
    int start = offset + HEADER + Arena.getInt(chunk, offset);
    return valueLength == 0 ? EMPTY : Arrays.copyOfRange(chunk, start, start + valueLength);
  }

  /** The sequence number in a trailer. */
  public static long sequence(long trailer) {
    return trailer >>> 8;
  }

  /** The kind in a trailer. */
  public static EntryKind kind(long trailer) {
    return EntryKind.fromCode((int) trailer & 0xFF);
  }
}
