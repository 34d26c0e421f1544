package dev.shale.lsm.api;

/**
 * When a write is acknowledged, i.e. when {@link Db#write} returns.
 *
 * <p>Every level writes the batch to the write-ahead log before it is acknowledged; they differ in
 * what has to survive before the call returns.
 */
public enum Durability {
  /**
   * Acknowledged once the batch is in the log as the operating system sees it and applied: it
   * survives the process being killed, not the machine losing power (RocksDB's {@code sync=false}).
   */
  MEMORY,
  /** Acknowledged after the log has been fsynced on local disk: survives power loss. */
  LOCAL,
  /**
   * Acknowledged after the log object holding the batch is durable in the object store: survives
   * losing the machine. Needs a Db opened with an object store.
   */
  REMOTE
}
