package dev.shale.lsm.spi;

/**
 * Sequence numbers and internal-key trailers.
 *
 * <p>Every committed operation gets a 56-bit sequence number; an internal key is the user key plus
 * a trailer {@code (sequence << 8) | kind code}. Internal keys order by user key ascending, then by
 * trailer descending, so the newest version of a key comes first.
 */
public final class Sequences {
  private Sequences() {}

  /** The largest sequence number; reading "as of" it sees everything. */
  public static final long MAX_SEQUENCE = (1L << 56) - 1;

  /** Packs a sequence number and kind into the 8-byte trailer stored after a user key. */
  public static long trailer(long sequence, EntryKind kind) {
    return (sequence << 8) | kind.code();
  }

  /** The sequence number of a trailer. */
  public static long sequenceOf(long trailer) {
    return trailer >>> 8;
  }

  /**
   * The kind of a trailer.
   *
   * @throws IllegalArgumentException when the kind code is unknown
   */
  public static EntryKind kindOf(long trailer) {
    return EntryKind.fromCode((int) (trailer & 0xFF));
  }

  /** Whether {@code sequence} is a valid sequence number (0..{@link #MAX_SEQUENCE}). */
  public static boolean isValid(long sequence) {
    return sequence >= 0 && sequence <= MAX_SEQUENCE;
  }
}
