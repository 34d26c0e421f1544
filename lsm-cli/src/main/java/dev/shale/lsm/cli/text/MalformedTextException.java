package dev.shale.lsm.cli.text;

/**
 * Text that does not stand for bytes in a {@link ByteFormat}, or a line that is not a {@code
 * key<TAB>value} line. A caller's mistake, hence an {@link IllegalArgumentException}.
 */
public class MalformedTextException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /**
   * @param offset the byte offset of the problem in the text that was parsed
   * @param detail what is wrong, and how to write it instead
   */
  public MalformedTextException(int offset, String detail) {
    super(detail);
    this.offset = offset;
  }

  /** The byte offset of the problem in the text that was parsed. */
  public int offset() {
    return offset;
  }
}
