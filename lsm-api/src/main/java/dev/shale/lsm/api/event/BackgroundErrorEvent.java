package dev.shale.lsm.api.event;

/**
 * A background error, or the recovery from one.
 *
 * @param what the work that failed (a flush, a compaction, the log...)
 * @param error the error's description, or empty when this event is a recovery
 * @param recovered whether the Db accepts writes again
 */
public record BackgroundErrorEvent(String what, String error, boolean recovered) {}
