package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.Transaction;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A Db for server tests: forwards to a real one, but writes wait at a gate until it opens (so calls
 * pile up in the server), counting how many wait at once; iterators can be wrapped.
 */
final class GatedDb implements Db {
  private final Db delegate;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger maxWaiting = new AtomicInteger();
  volatile UnaryOperator<DbIterator> iterators = UnaryOperator.identity();

  GatedDb(Db delegate) {
    this.delegate = delegate;
  }

  /** Writes wait from now on until {@link #open()}. */
  void close(boolean closed) {
    gate = closed ? new CountDownLatch(1) : new CountDownLatch(0);
  }

  void open() {
    gate.countDown();
  }

  int waiting() {
    return waiting.get();
  }

  int maxWaiting() {
    return maxWaiting.get();
  }

  private void pass() {
    int now = waiting.incrementAndGet();
    maxWaiting.accumulateAndGet(now, Math::max);
    try {
      if (!gate.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      waiting.decrementAndGet();
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    pass();
    delegate.put(key, value);
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions options) {
    pass();
    delegate.put(key, value, options);
  }

  @Override
  public void delete(byte[] key) {
    pass();
    delegate.delete(key);
  }

  @Override
  public void delete(byte[] key, WriteOptions options) {
    pass();
    delegate.delete(key, options);
  }

  @Override
  public void write(WriteBatch batch) {
    pass();
    delegate.write(batch);
  }

  @Override
  public void write(WriteBatch batch, WriteOptions options) {
    pass();
    delegate.write(batch, options);
  }

  @Override
  public byte @Nullable [] get(byte[] key) {
    return delegate.get(key);
  }

  @Override
  public byte @Nullable [] get(byte[] key, ReadOptions options) {
    return delegate.get(key, options);
  }

  @Override
  public DbIterator iterator(ReadOptions options) {
    return iterators.apply(delegate.iterator(options));
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
  }

  @Override
  public Transaction beginTransaction(TransactionOptions options) {
    return delegate.beginTransaction(options);
  }

  @Override
  public DbStats stats() {
    return delegate.stats();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void compactRange(byte @Nullable [] from, byte @Nullable [] to) {
    delegate.compactRange(from, to);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
