package dev.shale.lsm.spi;

/**
 * What an internal entry records for its key. The code is stored in every format (WAL opcodes,
 * SSTable trailers), so codes never change; new kinds take new codes.
 */
public enum EntryKind {
  /** A tombstone: the key is deleted as of this entry's sequence number. */
  DELETE(0),
  /** A value for the key. */
  PUT(1);

  private static final EntryKind[] BY_CODE = {DELETE, PUT};

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  /** The stored code, 0..255. */
  public int code() {
    return code;
  }

  /**
   * The kind stored as {@code code}.
   *
   * @throws IllegalArgumentException for an unknown code; decoders turn this into a {@code
   *     CorruptionException}
   */
  public static EntryKind fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("unknown entry kind code " + code);
    }
    return BY_CODE[code];
  }
}
