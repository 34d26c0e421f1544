package dev.shale.lsm.spi.objectstore;

import java.io.IOException;

/**
 * A conditional put found the condition false (HTTP 412): the key exists for {@code ifAbsent}, or
 * has another entity tag, or does not exist, for {@code ifMatch}. Nothing was written. {@link
 * #key()} names the key.
 */
public class PreconditionFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public PreconditionFailedException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The object key. */
  public String key() {
    return key;
  }
}
