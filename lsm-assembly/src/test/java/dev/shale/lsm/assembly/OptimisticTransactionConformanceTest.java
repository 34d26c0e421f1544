package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.tck.txn.TransactionConformanceTest;
import java.nio.file.Path;

/** The default transaction provider ("optimistic", from lsm-txn) passes the conformance suite. */
class OptimisticTransactionConformanceTest extends TransactionConformanceTest {
  @Override
  protected Db openDb(Path directory) {
    return Shale.open(directory);
  }
}
