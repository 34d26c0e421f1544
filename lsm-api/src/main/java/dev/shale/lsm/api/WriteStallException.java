package dev.shale.lsm.api;

/**
 * A write was refused because the Db is overloaded (too many unflushed memtables or level-0 files)
 * and the caller asked not to wait ({@link WriteOptions#noSlowdown()}) or waited past the stall
 * timeout. Nothing of the batch was written; retry later.
 */
public class WriteStallException extends ShaleException {
  private static final long serialVersionUID = 1L;

  public WriteStallException(String message) {
    super(message);
  }
}
