package dev.shale.lsm.spi.objectstore;

import java.io.IOException;

/** The object does not exist (HTTP 404). */
public class NoSuchObjectException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public NoSuchObjectException(String key) {
    super("no object " + key);
    this.key = key;
  }

  /** The object key. */
  public String key() {
    return key;
  }
}
