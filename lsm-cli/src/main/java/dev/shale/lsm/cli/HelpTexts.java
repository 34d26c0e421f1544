package dev.shale.lsm.cli;

/** Help text shared by several commands (picocli format strings: {@code %n} is a newline). */
final class HelpTexts {
  /** How keys and values are written as text. */
  static final String ESCAPING =
      "Keys and values are UTF-8 text, in arguments and in output. A backslash starts an escape:%n"
          + "  \\\\  backslash   \\t  TAB   \\n  line feed   \\r  carriage return%n"
          + "  \\xHH  one byte: used for bytes that are not valid UTF-8 and for control%n"
          + "        characters (U+0000-U+001F, U+007F-U+009F)%n"
          + "Every other character stands for itself. With --hex, keys and values are hex%n"
          + "instead (two digits per byte). Either way any bytes round-trip, and%n"
          + "'shale scan --db A | shale load --db B' copies a Db.";

  /** What the exit codes mean. */
  static final String EXIT_CODES =
      "Exit codes: 0 done, 1 key absent (get), 2 usage error or malformed input,%n"
          + "3 damaged data, I/O error or other failure.";

  /** What a command that only reads does to the Db directory. */
  static final String READ_ONLY =
      "With --db the Db is opened read-only: nothing in its directory changes (a damaged log is"
          + " read as --wal-recovery says, not repaired; nothing is flushed or compacted), and"
          + " other read-only commands may run at the same time, but not a command that writes"
          + " or a server (then read through it with --server).";

  private HelpTexts() {}
}
