package dev.shale.lsm.cli;

import java.io.PrintWriter;

/**
 * A progress report on standard error, rate-limited. On a terminal it rewrites one line in place
 * (up to four times a second) and erases it when closed, so the summary that follows stands alone;
 * elsewhere (with {@code --progress}) it prints a line a second. Thread-safe, so a polling thread
 * may report while the main thread works.
 */
final class ProgressLine implements AutoCloseable {
  /** Where progress goes. */
  enum Mode {
    /** Nowhere. */
    OFF,
    /** One line rewritten in place with a carriage return. */
    TERMINAL,
    /** A new line each time, for logs. */
    LINES
  }

  private static final long TERMINAL_INTERVAL_NANOS = 250_000_000L;
  private static final long LINES_INTERVAL_NANOS = 1_000_000_000L;

  private final PrintWriter err;
  private final Mode mode;
  private final long intervalNanos;
  private boolean shown;
  private long lastShownNanos;
  private int lastLength;

  ProgressLine(PrintWriter err, Mode mode) {
    this.err = err;
    this.mode = mode;
    this.intervalNanos = mode == Mode.LINES ? LINES_INTERVAL_NANOS : TERMINAL_INTERVAL_NANOS;
  }

  /** Whether an update would be shown now; cheap, so callers build the text only when due. */
  synchronized boolean due() {
    return mode != Mode.OFF && (!shown || System.nanoTime() - lastShownNanos >= intervalNanos);
  }

  /** Shows {@code text} if an update is due. */
  synchronized void show(String text) {
    if (!due()) {
      return;
    }
    if (mode == Mode.TERMINAL) {
      err.print('\r');
      err.print(text);
      if (text.length() < lastLength) {
        err.print(" ".repeat(lastLength - text.length()));
      }
    } else {
      err.println(text);
    }
    err.flush();
    shown = true;
    lastShownNanos = System.nanoTime();
    lastLength = text.length();
  }

  /** Erases the progress line on a terminal. */
  @Override
  public synchronized void close() {
    if (mode == Mode.TERMINAL && shown) {
      err.print('\r');
      err.print(" ".repeat(lastLength));
      err.print('\r');
      err.flush();
    }
    shown = false;
  }
}
