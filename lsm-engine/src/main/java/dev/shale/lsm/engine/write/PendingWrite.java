package dev.shale.lsm.engine.write;

import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import org.jspecify.annotations.Nullable;

/**
 * One caller waiting in the {@link CommitQueue}: a batch to commit, or a control action that must
 * run alone between commit groups (switching the memtable, validating a transaction, closing).
 */
public final class PendingWrite {
  /** Work that runs on the commit leader with no group in flight. */
  @FunctionalInterface
  public interface ControlAction {
    void run() throws Exception;
  }

  private final @Nullable WriteBatch batch;
  private final @Nullable ControlAction control;
  private final Durability durability;
  private final boolean noSlowdown;
  final Thread thread = Thread.currentThread();
  private volatile boolean done;
  private @Nullable Throwable failure;
  private long firstSequence = -1;

  private PendingWrite(
      @Nullable WriteBatch batch,
      @Nullable ControlAction control,
      Durability durability,
      boolean noSlowdown) {
    this.batch = batch;
    this.control = control;
    this.durability = durability;
    this.noSlowdown = noSlowdown;
  }

  /** A batch to commit with {@code durability}. */
  public static PendingWrite batch(WriteBatch batch, Durability durability, boolean noSlowdown) {
    return new PendingWrite(batch, null, durability, noSlowdown);
  }

  /** An action to run alone on the leader. */
  public static PendingWrite control(ControlAction action) {
    return new PendingWrite(null, action, Durability.MEMORY, false);
  }

  public boolean isControl() {
    return control != null;
  }

  /** The batch; only for non-control writes. */
  public WriteBatch batch() {
    WriteBatch b = batch;
    if (b == null) {
      throw new IllegalStateException("a control action has no batch");
    }
    return b;
  }

  ControlAction controlAction() {
    ControlAction c = control;
    if (c == null) {
      throw new IllegalStateException("not a control action");
    }
    return c;
  }

  public Durability durability() {
    return durability;
  }

  public boolean noSlowdown() {
    return noSlowdown;
  }

  /** The first sequence number assigned to the batch, or -1 before it is assigned. */
  public long firstSequence() {
    return firstSequence;
  }

  public void assignFirstSequence(long sequence) {
    this.firstSequence = sequence;
  }

  /** Completes this write, successfully when {@code error} is null. Called by the leader. */
  public void complete(@Nullable Throwable error) {
    this.failure = error;
    this.done = true; // volatile write publishes failure and firstSequence
  }

  /**
   * Throws the failure this write completed with, if any (for writes committed inside a control).
   */
  public void rethrowFailure() {
    Throwable f = failure;
    if (f instanceof RuntimeException re) {
      throw re;
    }
    if (f instanceof Error e) {
      throw e;
    }
    if (f != null) {
      throw new dev.shale.lsm.api.ShaleException(String.valueOf(f.getMessage()), f);
    }
  }

  boolean isDone() {
    return done;
  }

  @Nullable Throwable failure() {
    return failure;
  }
}
