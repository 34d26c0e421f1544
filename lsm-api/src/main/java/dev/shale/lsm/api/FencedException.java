package dev.shale.lsm.api;

/**
 * Another primary has claimed the write-ahead log in the object store: this Db may no longer write.
 * Pending and later writes fail with this exception and the Db stays readable. Reopen to take over
 * again (which fences the other primary in turn).
 */
public class FencedException extends ShaleException {
  private static final long serialVersionUID = 1L;

  private final long ownEpoch;
  private final long newerEpoch;

  public FencedException(String message, long ownEpoch, long newerEpoch) {
    super(message);
    this.ownEpoch = ownEpoch;
    this.newerEpoch = newerEpoch;
  }

  /** The writer epoch this Db held. */
  public long ownEpoch() {
    return ownEpoch;
  }

  /** The epoch that fenced it, or -1 when not known. */
  public long newerEpoch() {
    return newerEpoch;
  }
}
