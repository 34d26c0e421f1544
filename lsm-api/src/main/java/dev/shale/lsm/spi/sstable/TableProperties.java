package dev.shale.lsm.spi.sstable;

/**
 * What a table holds, as recorded in its properties block.
 *
 * @param formatName the format's provider name
 * @param formatVersion the format version the file was written with
 * @param entryCount entries, tombstones included
 * @param tombstoneCount tombstones
 * @param smallestKey the smallest user key
 * @param largestKey the largest user key
 * @param smallestSequence the smallest sequence number
 * @param largestSequence the largest sequence number
 * @param rawKeyBytes user-key bytes added
 * @param rawValueBytes value bytes added
 * @param dataBlockCount data blocks
 * @param dataBytes bytes of data blocks as stored (after compression)
 * @param indexBytes bytes of the index block
 * @param filterBytes bytes of the filter block (0 without a filter)
 * @param compression the codec used for data blocks
 * @param bloomBitsPerKey filter bits per key (0 without a filter)
 */
@SuppressWarnings("ArrayRecordComponent") // keys are metadata, compared with KeyOrder
public record TableProperties(
    String formatName,
    int formatVersion,
    long entryCount,
    long tombstoneCount,
    byte[] smallestKey,
    byte[] largestKey,
    long smallestSequence,
    long largestSequence,
    long rawKeyBytes,
    long rawValueBytes,
    long dataBlockCount,
    long dataBytes,
    long indexBytes,
    long filterBytes,
    String compression,
    int bloomBitsPerKey) {}
