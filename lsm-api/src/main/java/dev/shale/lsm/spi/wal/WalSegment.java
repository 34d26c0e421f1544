package dev.shale.lsm.spi.wal;

/**
 * One segment file of a log.
 *
 * @param id the segment id, increasing with age
 * @param file the file's path
 * @param sizeBytes its size on disk
 * @param active whether appends currently go to it
 */
public record WalSegment(long id, String file, long sizeBytes, boolean active) {}
