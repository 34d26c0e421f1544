package dev.shale.lsm.api.event;

/**
 * One group of writes the commit leader logged and applied together.
 *
 * @param writes batches in the group
 * @param operations operations in them
 * @param bytes their encoded bytes
 * @param synced whether the log was fsynced for the group
 * @param logNanos writing (and syncing) the log
 * @param totalNanos the whole group: making room, logging, applying to the memtable
 */
public record CommitGroupEvent(
    int writes, long operations, long bytes, boolean synced, long logNanos, long totalNanos) {}
