package dev.shale.lsm.api;

/**
 * How a transaction runs and commits. Immutable.
 *
 * @param isolation the isolation level ({@link IsolationLevel#SERIALIZABLE} by default: correct
 *     unless you choose otherwise)
 * @param writeOptions how the commit is acknowledged
 */
public record TransactionOptions(IsolationLevel isolation, WriteOptions writeOptions) {

  /** Serializable, the Db's default durability. */
  public static TransactionOptions defaults() {
    return new TransactionOptions(IsolationLevel.SERIALIZABLE, WriteOptions.DEFAULT);
  }

  public TransactionOptions {
    if (isolation == null || writeOptions == null) {
      throw new IllegalArgumentException("isolation and write options must not be null");
    }
  }

  /** A copy with another isolation level. */
  public TransactionOptions withIsolation(IsolationLevel level) {
    return new TransactionOptions(level, writeOptions);
  }

  /** A copy with other write options. */
  public TransactionOptions withWriteOptions(WriteOptions options) {
    return new TransactionOptions(isolation, options);
  }
}
