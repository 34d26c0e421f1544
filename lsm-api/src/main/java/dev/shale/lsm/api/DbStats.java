package dev.shale.lsm.api;

import java.util.List;

/**
 * A point-in-time picture of a Db's state and counters since it was opened. Immutable; counters are
 * read without a global lock, so sections may be a few operations apart.
 *
 * @param lastSequence the sequence number of the newest visible write
 * @param memtables the in-memory part of the tree
 * @param writes the write path and its stalls
 * @param levels files and bytes per level, level 0 first, one entry per configured level
 * @param blockCache the block cache
 * @param compactions background compaction work and amplification
 * @param snapshots open snapshots
 * @param shipping log shipping to an object store ({@link Shipping#NONE} without one)
 * @param lifetime counters over the Db's whole life, across reopens (the other sections count since
 *     this open)
 * @param backgroundErrors background errors and the automatic recovery from them
 * @param recovery what the last open recovered and what damage it handled
 */
public record DbStats(
    long lastSequence,
    Memtables memtables,
    Writes writes,
    List<Level> levels,
    Cache blockCache,
    Compactions compactions,
    Snapshots snapshots,
    Shipping shipping,
    Lifetime lifetime,
    BackgroundErrors backgroundErrors,
    Recovery recovery) {

  public DbStats {
    levels = List.copyOf(levels);
  }

  /** Files across all levels. */
  public int totalFiles() {
    return levels.stream().mapToInt(Level::files).sum();
  }

  /** Bytes of SSTables across all levels. */
  public long totalFileBytes() {
    return levels.stream().mapToLong(Level::bytes).sum();
  }

  /**
   * @param activeBytes approximate memory of the active memtable
   * @param activeEntries entries in the active memtable
   * @param immutableCount memtables waiting for (or in) flush
   * @param immutableBytes approximate memory of those
   * @param flushes flushes completed since open
   * @param flushedBytes SSTable bytes written by flushes
   */
  public record Memtables(
      long activeBytes,
      long activeEntries,
      int immutableCount,
      long immutableBytes,
      long flushes,
      long flushedBytes) {}

  /**
   * @param batches batches committed since open
   * @param operations operations in those batches
   * @param userBytes encoded bytes of those batches (the denominator of write amplification)
   * @param groupCommits commit groups (one log write each); batches / groupCommits is the group
   *     size
   * @param walBytes bytes appended to the write-ahead log
   * @param walSyncs fsyncs of the write-ahead log
   * @param slowdowns writes delayed because flush or compaction fell behind
   * @param stops writes that had to wait for a stall to clear
   * @param stallMicros total time writers spent delayed or stopped
   * @param readOnlyReason why the Db refuses writes after a background error, or empty when it
   *     accepts them
   */
  public record Writes(
      long batches,
      long operations,
      long userBytes,
      long groupCommits,
      long walBytes,
      long walSyncs,
      long slowdowns,
      long stops,
      long stallMicros,
      String readOnlyReason) {}

  /**
   * @param level the level number, 0 for the overlapping level
   * @param files SSTables in the level
   * @param bytes their size on disk
   * @param targetBytes the size the compaction strategy aims for, or 0 when it sets none
   */
  public record Level(int level, int files, long bytes, long targetBytes) {}

  /**
   * @param capacityBytes configured capacity
   * @param usedBytes bytes held now
   * @param hits lookups served from the cache
   * @param misses lookups that loaded a block
   * @param evictions blocks evicted to stay within capacity
   */
  public record Cache(long capacityBytes, long usedBytes, long hits, long misses, long evictions) {
    /** Hits over lookups, or 0 before the first lookup. */
    public double hitRatio() {
      long lookups = hits + misses;
      return lookups == 0 ? 0 : (double) hits / lookups;
    }
  }

  /**
   * @param strategy the compaction strategy's provider name
   * @param completed compactions finished since open
   * @param running compactions in progress
   * @param bytesRead input bytes of finished compactions
   * @param bytesWritten output bytes of finished compactions
   * @param micros time spent in finished compactions
   * @param pendingBytes the strategy's estimate of bytes still to compact
   * @param runningInputEntries entries in the inputs of the compactions in progress
   * @param runningEntriesDone how many of those have been merged so far (progress)
   * @param writeAmplification (flush + compaction bytes written) over user bytes, since open
   * @param spaceAmplification total SSTable bytes over the bytes of the last non-empty level
   */
  public record Compactions(
      String strategy,
      long completed,
      int running,
      long bytesRead,
      long bytesWritten,
      long micros,
      long pendingBytes,
      long runningInputEntries,
      long runningEntriesDone,
      double writeAmplification,
      double spaceAmplification) {}

  /**
   * @param open snapshots not yet closed (including those held by iterators and transactions)
   * @param oldestSequence the sequence of the oldest open snapshot, or -1 when none
   * @param oldestAgeMillis how long the oldest open snapshot has been open, or 0 when none
   */
  public record Snapshots(int open, long oldestSequence, long oldestAgeMillis) {}

  /**
   * Shipping of the write-ahead log, tables and manifests to an object store.
   *
   * @param enabled whether the Db ships at all
   * @param writerEpoch this primary's writer epoch (the fencing token)
   * @param appendedSequence the newest sequence handed to the shipper
   * @param shippedSequence every sequence up to it is in the bucket
   * @param lagMillis age of the oldest write not yet in the bucket (0 when none)
   * @param walObjects WAL objects uploaded
   * @param walBytes bytes of WAL objects uploaded
   * @param manifests manifest objects written
   * @param tables tables uploaded
   * @param tableBytes bytes of tables uploaded
   * @param deletedObjects obsolete objects garbage-collected
   * @param putRequests PUT requests sent (all kinds of object)
   * @param getRequests GET requests sent
   * @param otherRequests HEAD, LIST and DELETE requests sent
   * @param retries requests retried after a transient failure
   * @param fenced why shipping stopped for good (fenced or failed), empty while it runs
   */
  public record Shipping(
      boolean enabled,
      long writerEpoch,
      long appendedSequence,
      long shippedSequence,
      long lagMillis,
      long walObjects,
      long walBytes,
      long manifests,
      long tables,
      long tableBytes,
      long deletedObjects,
      long putRequests,
      long getRequests,
      long otherRequests,
      long retries,
      String fenced) {

    /** A Db without an object store. */
    public static final Shipping NONE =
        new Shipping(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "");

    /** Sequences written but not yet in the bucket. */
    public long lagSequences() {
      return Math.max(0, appendedSequence - shippedSequence);
    }

    /** All requests sent. */
    public long requests() {
      return putRequests + getRequests + otherRequests;
    }

    /**
     * Requests per million writes ({@code operations}: the Db's written operations), the figure
     * that decides an S3 Express bill.
     */
    public double requestsPerMillionWrites(long operations) {
      return operations == 0 ? 0 : requests() * 1e6 / operations;
    }
  }

  /**
   * What the last open found and did. Damage here was handled without an error (by the recovery
   * mode, or because the tables and the log covered it) but deserves a look: a write-ahead log
   * damaged anywhere but at a torn tail lost acknowledged writes.
   *
   * @param walRecordsReplayed log records replayed into the memtable
   * @param walRecordsDropped damaged or set-aside log records that were not replayed
   * @param walBytesDropped bytes in those
   * @param walDamage the first damage found in the log (file, offset, what), or empty
   * @param manifestDamage the manifest's damaged last record that was ignored, or empty
   * @param filesSetAside tables moved to the Db's {@code lost/} directory instead of being deleted
   */
  public record Recovery(
      long walRecordsReplayed,
      long walRecordsDropped,
      long walBytesDropped,
      String walDamage,
      String manifestDamage,
      int filesSetAside) {
    /** Before an open has recovered anything. */
    public static final Recovery NONE = new Recovery(0, 0, 0, "", "", 0);

    /** Whether the open handled any damage. */
    public boolean damaged() {
      return walRecordsDropped > 0
          || !walDamage.isEmpty()
          || !manifestDamage.isEmpty()
          || filesSetAside > 0;
    }
  }

  /**
   * Counters over the Db's whole life: those of earlier opens, kept in the Db directory, plus those
   * since this open. They are rewritten after each flush and compaction, so a crash loses at most
   * the writes since the last one; a Db created before they were kept counts from its first open
   * with them.
   *
   * @param sinceMillis when counting began (milliseconds since the epoch)
   * @param flushes flushes completed
   * @param flushedBytes SSTable bytes written by flushes
   * @param compactions compactions completed
   * @param compactionBytesRead input bytes of those compactions
   * @param compactionBytesWritten output bytes of those compactions
   * @param batches batches committed
   * @param operations operations in those batches
   * @param userBytes encoded bytes of those batches
   */
  public record Lifetime(
      long sinceMillis,
      long flushes,
      long flushedBytes,
      long compactions,
      long compactionBytesRead,
      long compactionBytesWritten,
      long batches,
      long operations,
      long userBytes) {

    /** (flush + compaction bytes written) over user bytes, or 0 before the first write. */
    public double writeAmplification() {
      return userBytes == 0 ? 0 : (double) (flushedBytes + compactionBytesWritten) / userBytes;
    }
  }

  /**
   * Background errors (a failed flush, compaction, log write...) and the automatic recovery from
   * them. While {@link State#RETRYING} or {@link State#FAILED} the Db refuses writes and {@link
   * Writes#readOnlyReason()} says why.
   *
   * @param state where the Db stands
   * @param attempts retries run since open
   * @param recoveries retries that succeeded (the Db accepted writes again)
   * @param lastError the last background error, or empty when none happened since open
   */
  public record BackgroundErrors(State state, long attempts, long recoveries, String lastError) {
    /** No background error since open. */
    public static final BackgroundErrors NONE = new BackgroundErrors(State.HEALTHY, 0, 0, "");

    /** Where a Db stands with respect to background errors. */
    public enum State {
      /** No unresolved background error: writes are accepted. */
      HEALTHY,
      /**
       * A background error caused by a condition that may pass (a full disk, a shortage of heap, an
       * unreachable object store) is retried automatically; writes are refused meanwhile.
       */
      RETRYING,
      /**
       * An error that is not retried (fenced by another primary, corruption, a failure that left
       * state that only reopening rebuilds): writes are refused until the Db is reopened.
       */
      FAILED
    }
  }
}
