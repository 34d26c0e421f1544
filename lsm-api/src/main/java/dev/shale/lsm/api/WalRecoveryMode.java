package dev.shale.lsm.api;

/**
 * What opening a Db does with a damaged write-ahead log. The names follow RocksDB's {@code
 * WALRecoveryMode}.
 */
public enum WalRecoveryMode {
  /**
   * The default: an incomplete or corrupted record at the very end of the newest log segment (a
   * write torn by a crash) is cut off; damage anywhere else fails the open with {@link
   * CorruptionException}.
   */
  TOLERATE_CORRUPTED_TAIL,
  /** Any damage, even a torn tail, fails the open with {@link CorruptionException}. */
  ABSOLUTE_CONSISTENCY,
  /**
   * Replays up to the first damaged record and drops everything after it, so the Db is consistent
   * as of a point in time.
   */
  POINT_IN_TIME,
  /**
   * Skips every damaged record and replays everything else (salvage; may break atomicity order).
   */
  SKIP_CORRUPTED
}
