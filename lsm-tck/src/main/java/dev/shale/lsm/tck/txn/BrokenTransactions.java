package dev.shale.lsm.tck.txn;

import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.txn.TransactionSupport;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken transaction providers, each wrapping a working one and breaking one rule, so
 * that anyone can check that {@link TransactionConformanceTest} still catches that bug: make the
 * suite's {@code openDb} install, say, {@code BrokenTransactions.skipsReadValidation(provider)},
 * run it, and expect failures.
 *
 * <p>The wrappers are as thread-safe as the providers they wrap and are named after them.
 */
public final class BrokenTransactions {
  private BrokenTransactions() {}

  /** Commits without any validation: concurrent writes to the same key are lost updates. */
  public static TransactionProvider skipsValidation(TransactionProvider provider) {
    return wrap(provider, "no-validation", (support, options) -> new NoValidation(support));
  }

  /**
   * Validates only the keys the transaction writes, whatever the isolation level: serializable
   * transactions then allow write skew and phantoms, as snapshot isolation does.
   */
  public static TransactionProvider skipsReadValidation(TransactionProvider provider) {
    return wrap(provider, "write-set-only", (support, options) -> new WriteSetOnly(support));
  }

  /** Reads ignore the transaction's own buffered writes: only the snapshot is seen. */
  public static TransactionProvider ignoresOwnWrites(TransactionProvider provider) {
    String name = provider.name() + "-ignores-own-writes";
    return new TransactionProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Transaction begin(TransactionSupport db, TransactionOptions options) {
        CapturingSnapshot support = new CapturingSnapshot(db);
        Transaction txn = provider.begin(support, options);
        return new IgnoresOwnWrites(txn, db, support.captured());
      }
    };
  }

  /** Never releases the transaction's snapshot, so compaction keeps old versions forever. */
  public static TransactionProvider leaksSnapshots(TransactionProvider provider) {
    return wrap(provider, "leaks-snapshots", (support, options) -> new LeaksSnapshots(support));
  }

  private static TransactionProvider wrap(
      TransactionProvider provider,
      String flaw,
      BiFunction<TransactionSupport, TransactionOptions, TransactionSupport> breaker) {
    String name = provider.name() + "-" + flaw;
    return new TransactionProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Transaction begin(TransactionSupport db, TransactionOptions options) {
        return provider.begin(breaker.apply(db, options), options);
      }
    };
  }

  /** Forwards everything to the engine's support. */
  private static class ForwardingSupport implements TransactionSupport {
    final TransactionSupport delegate;

    ForwardingSupport(TransactionSupport delegate) {
      this.delegate = delegate;
    }

    @Override
    public Snapshot snapshot() {
      return delegate.snapshot();
    }

    @Override
    public byte @Nullable [] get(byte[] key, ReadOptions options) {
      return delegate.get(key, options);
    }

    @Override
    public DbIterator iterator(ReadOptions options) {
      return delegate.iterator(options);
    }

    @Override
    public void commit(WriteBatch batch, WriteOptions options, CommitValidator validator) {
      delegate.commit(batch, options, validator);
    }
  }

  private static final class NoValidation extends ForwardingSupport {
    NoValidation(TransactionSupport delegate) {
      super(delegate);
    }

    @Override
    public void commit(WriteBatch batch, WriteOptions options, CommitValidator validator) {
      delegate.commit(batch, options, state -> {});
    }
  }

  /** Shows the validator a state where only the batch's own keys ever change. */
  private static final class WriteSetOnly extends ForwardingSupport {
    WriteSetOnly(TransactionSupport delegate) {
      super(delegate);
    }

    @Override
    public void commit(WriteBatch batch, WriteOptions options, CommitValidator validator) {
      Set<ByteBuffer> written = new HashSet<>();
      batch.forEach(
          (i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) ->
              written.add(
                  ByteBuffer.wrap(
                      java.util.Arrays.copyOfRange(buffer, keyOffset, keyOffset + keyLength))));
      delegate.commit(
          batch,
          options,
          state ->
              validator.validate(
                  new CommittedState() {
                    @Override
                    public long latestSequence(byte[] key) {
                      return written.contains(ByteBuffer.wrap(key))
                          ? state.latestSequence(key)
                          : -1;
                    }

                    @Override
                    public boolean changedSince(
                        byte @Nullable [] from, byte @Nullable [] to, long sequence) {
                      return false;
                    }
                  }));
    }
  }

  private static final class LeaksSnapshots extends ForwardingSupport {
    LeaksSnapshots(TransactionSupport delegate) {
      super(delegate);
    }

    @Override
    public Snapshot snapshot() {
      Snapshot real = delegate.snapshot();
      return new Snapshot() {
        @Override
        public long sequence() {
          return real.sequence();
        }

        @Override
        public void close() {}
      };
    }
  }

  /** Remembers the snapshot the wrapped transaction takes. */
  private static final class CapturingSnapshot extends ForwardingSupport {
    private @Nullable Snapshot captured;

    CapturingSnapshot(TransactionSupport delegate) {
      super(delegate);
    }

    @Override
    public Snapshot snapshot() {
      Snapshot s = delegate.snapshot();
      captured = s;
      return s;
    }

    Snapshot captured() {
      Snapshot s = captured;
      if (s == null) {
        throw new IllegalStateException("the wrapped provider took no snapshot");
      }
      return s;
    }
  }

  private static final class IgnoresOwnWrites implements Transaction {
    private final Transaction delegate;
    private final TransactionSupport db;
    private final Snapshot snapshot;

    IgnoresOwnWrites(Transaction delegate, TransactionSupport db, Snapshot snapshot) {
      this.delegate = delegate;
      this.db = db;
      this.snapshot = snapshot;
    }

    @Override
    public byte @Nullable [] get(byte[] key) {
      delegate.get(key); // checks state and records the read
      return db.get(key, ReadOptions.defaults().withSnapshot(snapshot));
    }

    @Override
    public void put(byte[] key, byte[] value) {
      delegate.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
      delegate.delete(key);
    }

    @Override
    public DbIterator iterator(ReadOptions options) {
      delegate.startSequence(); // checks state
      return db.iterator(options.withSnapshot(snapshot));
    }

    @Override
    public long startSequence() {
      return delegate.startSequence();
    }

    @Override
    public void commit() {
      delegate.commit();
    }

    @Override
    public void rollback() {
      delegate.rollback();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
