package dev.shale.lsm.cli;

/** The exit codes of the {@code shale} command. */
final class ExitCode {
  /** Done. */
  static final int OK = 0;

  /** {@code get}: the key is absent. */
  static final int ABSENT = 1;

  /** The command line or the input was wrong; nothing was done beyond what the message says. */
  static final int USAGE = 2;

  /** Stored data is damaged, storage failed, or the command failed for another reason. */
  static final int FAILURE = 3;

  private ExitCode() {}
}
