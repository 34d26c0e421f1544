package dev.shale.lsm.spi.txn;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import org.jspecify.annotations.Nullable;

/** What the engine offers a {@link TransactionProvider}. Thread-safe. */
public interface TransactionSupport {

  /** A new snapshot of the current state; the caller closes it. */
  Snapshot snapshot();

  /** As {@link dev.shale.lsm.api.Db#get(byte[], ReadOptions)}. */
  byte @Nullable [] get(byte[] key, ReadOptions options);

  /** As {@link dev.shale.lsm.api.Db#iterator(ReadOptions)}. */
  DbIterator iterator(ReadOptions options);

  /**
   * Commits {@code batch} atomically if {@code validator} accepts the state at that instant: the
   * validator runs on the commit path with every earlier commit applied and no later one started,
   * so what it checks cannot change before the batch is written.
   *
   * @throws dev.shale.lsm.api.TransactionConflictException as thrown by the validator; nothing is
   *     written
   */
  void commit(WriteBatch batch, WriteOptions options, CommitValidator validator);

  /** Checks, at commit time, that nothing the transaction depended on changed. */
  @FunctionalInterface
  interface CommitValidator {
    /**
     * @throws dev.shale.lsm.api.TransactionConflictException to refuse the commit
     */
    void validate(CommittedState state);
  }

  /** The committed state as seen by a {@link CommitValidator}. */
  interface CommittedState {

    /** The sequence of the newest version of {@code key} (a put or a delete), or -1 if none. */
    long latestSequence(byte[] key);

    /**
     * Whether any key in {@code [from, to)} (null = open) has a version (put or delete) newer than
     * {@code sequence}.
     */
    boolean changedSince(byte @Nullable [] from, byte @Nullable [] to, long sequence);
  }
}
