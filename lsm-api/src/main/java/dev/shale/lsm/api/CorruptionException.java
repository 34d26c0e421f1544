package dev.shale.lsm.api;

import org.jspecify.annotations.Nullable;

/**
 * Stored data failed a checksum or format check. Names the file (or object) and the byte offset
 * where the damage was found; Shale never answers from data that failed a check.
 */
public class CorruptionException extends ShaleException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;
  private final String detail;

  /**
   * @param file the file or object name, as the user would recognise it
   * @param offset the byte offset of the damaged record or block, or -1 when unknown
   * @param detail what was expected and what was found
   */
  public CorruptionException(String file, long offset, String detail) {
    this(file, offset, detail, null);
  }

  public CorruptionException(String file, long offset, String detail, @Nullable Throwable cause) {
    super(
        "corruption in " + file + (offset >= 0 ? " at offset " + offset : "") + ": " + detail,
        cause);
    this.file = file;
    this.offset = offset;
    this.detail = detail;
  }

  /** The damaged file or object. */
  public String file() {
    return file;
  }

  /** The byte offset of the damage, or -1 when unknown. */
  public long offset() {
    return offset;
  }

  /** What was expected and what was found (the message without the file and offset). */
  public String detail() {
    return detail;
  }
}
