package dev.shale.lsm.spi.compaction;

/**
 * A job in progress: its output will land in {@code outputLevel} within {@code [smallestKey,
 * largestKey]}.
 */
@SuppressWarnings("ArrayRecordComponent")
public record RunningJob(int outputLevel, byte[] smallestKey, byte[] largestKey) {}
