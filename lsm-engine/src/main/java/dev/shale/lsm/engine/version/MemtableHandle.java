package dev.shale.lsm.engine.version;

import dev.shale.lsm.spi.memtable.Memtable;

/**
 * A memtable as the engine tracks it: the SPI memtable plus the WAL bookkeeping that decides when
 * its log segments may be deleted, and the highest sequence it holds.
 */
public final class MemtableHandle {
  private final long id;
  private final Memtable table;
  private volatile long largestSequence = -1;
  private volatile long loggedBytes;
  private volatile long nextLogNumber = -1;

  public MemtableHandle(long id, Memtable table) {
    this.id = id;
    this.table = table;
  }

  /** Increases with creation order. */
  public long id() {
    return id;
  }

  public Memtable table() {
    return table;
  }

  /** The largest sequence applied, or -1 when empty. Written only by the commit leader. */
  public long largestSequence() {
    return largestSequence;
  }

  public void advanceLargestSequence(long sequence) {
    if (sequence > largestSequence) {
      largestSequence = sequence;
    }
  }

  /**
   * Bytes of the batches applied (their encoded length): what replaying them from the log would
   * read, unlike the memtable's own size, which counts whole arena chunks. Written only by the
   * commit leader.
   */
  public long loggedBytes() {
    return loggedBytes;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer, the commit leader (or the open)
  public void addLoggedBytes(long bytes) {
    loggedBytes += bytes;
  }

  public boolean isEmpty() {
    return largestSequence < 0;
  }

  /**
   * The WAL segment that was active right after this memtable was frozen: every record of this
   * memtable lives in a segment below it. -1 while the memtable is active.
   */
  public long nextLogNumber() {
    return nextLogNumber;
  }

  /** Marks the memtable immutable; no more adds. */
  public void freeze(long nextLogNumber) {
    this.nextLogNumber = nextLogNumber;
    table.freeze();
  }

  @Override
  public String toString() {
    return "memtable#"
        + id
        + "("
        + table.entryCount()
        + " entries, "
        + table.approximateBytes()
        + " B)";
  }
}
