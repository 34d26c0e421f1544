package dev.shale.lsm.engine.recovery;

import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.wal.WalReplayConsumer;

/**
 * How far a write-ahead log holds every write after a given sequence without a gap: fed the log's
 * records in order (by {@link dev.shale.lsm.spi.wal.WriteAheadLog#scan}), it extends the covered
 * range while each record starts at most one past it. Not thread-safe.
 */
public final class LogCoverage implements WalReplayConsumer {
  private long coveredThrough;
  private boolean broken;

  /** Starts covering after {@code afterSequence} (what the tables already hold). */
  public LogCoverage(long afterSequence) {
    this.coveredThrough = afterSequence;
  }

  @Override
  public void accept(long firstSequence, WriteBatch batch) {
    if (broken) {
      return;
    }
    if (firstSequence > coveredThrough + 1) {
      broken = true;
      return;
    }
    coveredThrough = Math.max(coveredThrough, firstSequence + batch.count() - 1);
  }

  /** Every sequence up to this one is in the tables or in the log. */
  public long coveredThrough() {
    return coveredThrough;
  }
}
