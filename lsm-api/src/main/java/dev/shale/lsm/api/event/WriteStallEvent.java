package dev.shale.lsm.api.event;

/**
 * A change of the write stall state.
 *
 * @param state the state writes are in from now on
 * @param cause why (empty for {@link State#NORMAL})
 */
public record WriteStallEvent(State state, String cause) {
  /** How the Db treats writes. */
  public enum State {
    /** Writes go through. */
    NORMAL,
    /** Writes are slowed down: background work is falling behind. */
    DELAYED,
    /** Writes wait until background work catches up. */
    STOPPED
  }
}
