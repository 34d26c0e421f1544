package dev.shale.lsm.spi.wal;

/** A guarantee a {@link WalProvider} may declare. Undeclared means unsupported. */
public enum WalCapability {
  /** {@link WriteAheadLog#sync()} makes every appended record survive power loss. */
  DURABLE_SYNC,
  /**
   * Replay honours all four {@link dev.shale.lsm.api.WalRecoveryMode}s; without it only {@code
   * ABSOLUTE_CONSISTENCY} is accepted and the others fail with {@link
   * UnsupportedOperationException}.
   */
  RECOVERY_MODES,
  /** Segments roll by themselves when they reach {@link WalOptions#segmentBytes()}. */
  SEGMENT_ROLL_BY_SIZE
}
