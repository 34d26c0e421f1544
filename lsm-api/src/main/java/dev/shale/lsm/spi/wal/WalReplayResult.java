package dev.shale.lsm.spi.wal;

/**
 * What {@link WriteAheadLog#replay} found.
 *
 * @param lastSequence the last sequence number of the last record handed over, or the {@code
 *     afterSequence} given when none was
 * @param records records handed to the consumer
 * @param segments segments read
 * @param droppedRecords damaged or set-aside records that the recovery mode let through without
 *     replaying (torn tail, point-in-time cut, skipped records)
 * @param droppedBytes bytes in those
 * @param damage a description of the first damage found (file, offset, what), or empty
 */
public record WalReplayResult(
    long lastSequence,
    long records,
    int segments,
    long droppedRecords,
    long droppedBytes,
    String damage) {}
