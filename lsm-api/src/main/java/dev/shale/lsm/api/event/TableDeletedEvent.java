package dev.shale.lsm.api.event;

/**
 * A table file deleted because no version lists it any more.
 *
 * @param table its number
 */
public record TableDeletedEvent(long table) {}
