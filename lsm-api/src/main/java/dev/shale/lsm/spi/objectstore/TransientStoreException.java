package dev.shale.lsm.spi.objectstore;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A failure worth retrying (throttling, 5xx, timeout, 409 ConditionalRequestConflict) that the
 * store's own retries did not overcome. For a conditional put the outcome is unknown: the write may
 * have been applied.
 */
public class TransientStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  public TransientStoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
