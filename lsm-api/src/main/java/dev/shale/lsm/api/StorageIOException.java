package dev.shale.lsm.api;

import java.io.IOException;

/**
 * Reading or writing storage failed (disk full, permission denied, device error, object store
 * unreachable). After a failed write or fsync the Db turns read-only: later writes throw this
 * exception too, naming the first failure, until the Db is reopened.
 */
public class StorageIOException extends ShaleException {
  private static final long serialVersionUID = 1L;

  public StorageIOException(String message, IOException cause) {
    super(message + ": " + cause.getMessage(), cause);
  }

  public StorageIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
