package dev.shale.lsm.api;

/** How much a transaction is protected from concurrent ones. */
public enum IsolationLevel {
  /**
   * Snapshot isolation: reads see the transaction's start snapshot; commit fails when another
   * transaction committed a write to a key this one writes (first committer wins). Allows write
   * skew.
   */
  SNAPSHOT,
  /**
   * Serializable (the default): commit also fails when a key this one read, or any key in a range
   * it scanned (phantoms included), changed after its start. Every committed history is equivalent
   * to some serial order.
   */
  SERIALIZABLE
}
