package dev.shale.lsm.api;

import org.jspecify.annotations.Nullable;

/** The base of every exception Shale throws for a failure that is not a caller's mistake. */
public class ShaleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShaleException(String message) {
    super(message);
  }

  public ShaleException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
