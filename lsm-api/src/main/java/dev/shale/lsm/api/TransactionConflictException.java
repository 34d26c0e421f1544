package dev.shale.lsm.api;

/**
 * A transaction could not commit because a concurrent commit changed what it read or wrote. Nothing
 * of the transaction was written; run it again from the start.
 */
public class TransactionConflictException extends ShaleException {
  private static final long serialVersionUID = 1L;

  public TransactionConflictException(String message) {
    super(message);
  }
}
