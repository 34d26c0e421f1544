package dev.shale.lsm.cli.text;

/** An input line that is not a {@code key<TAB>value} line; names the line and column. */
public class MalformedLineException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final long line;

  /**
   * @param line the line number, from 1
   * @param column the byte column of the problem, from 1, or 0 for the whole line
   * @param detail what is wrong
   */
  public MalformedLineException(long line, int column, String detail) {
    super("line " + line + (column > 0 ? ", column " + column : "") + ": " + detail);
    this.line = line;
  }

  /** The line number, from 1. */
  public long line() {
    return line;
  }
}
