package dev.shale.lsm.client;

import dev.shale.lsm.api.ShaleException;
import java.time.Duration;

/**
 * The server refused a call because it is at one of its limits (memory for requests in flight, open
 * scans or snapshots of this client, streams): nothing was done, and the same call may succeed
 * after {@link #retryAfter()}. The status code is {@code RESOURCE_EXHAUSTED}.
 */
public final class ServerBusyException extends ShaleException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public ServerBusyException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the server suggests waiting before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
