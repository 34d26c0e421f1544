package dev.shale.lsm.spi.compaction;

/**
 * One SSTable as a strategy sees it.
 *
 * @param fileId the file's number
 * @param sizeBytes its size on disk
 * @param smallestKey its smallest user key
 * @param largestKey its largest user key
 * @param smallestSequence its smallest sequence number
 * @param largestSequence its largest sequence number
 * @param entryCount entries, tombstones included
 * @param tombstoneCount tombstones
 */
@SuppressWarnings("ArrayRecordComponent") // keys are compared with KeyOrder, never by identity
public record FileShape(
    long fileId,
    long sizeBytes,
    byte[] smallestKey,
    byte[] largestKey,
    long smallestSequence,
    long largestSequence,
    long entryCount,
    long tombstoneCount) {}
