package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.api.WriteOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of the transaction crash tests, killed with SIGKILL by its parent. Arguments:
 * mode ({@code bank} or {@code large}), db directory, and for {@code large} the first batch number.
 * {@code bank}: 4 threads run transfers until killed. {@code large}: one thread commits large
 * transactions and prints {@code ACK <batch>} after each commit returns. Both use LOCAL durability
 * and print {@code READY} once the Db is open.
 */
public final class TxnCrashChild {
  private TxnCrashChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Db db = Shale.builder(Path.of(args[1])).options(TxnWorkloads.options()).open();
    TransactionOptions options =
        TransactionOptions.defaults().withWriteOptions(WriteOptions.of(Durability.LOCAL));
    PrintStream out = System.out;
    if (mode.equals("bank")) {
      TxnWorkloads.openAccounts(db);
      out.println("READY");
      out.flush();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random random = new Random(t);
        Thread thread =
            new Thread(
                () -> {
                  while (true) {
                    TxnWorkloads.transfer(db, options, random);
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread t : threads) {
        t.join();
      }
    } else {
      out.println("READY");
      out.flush();
      for (long b = Long.parseLong(args[2]); ; b++) {
        TxnWorkloads.commitLarge(db, options, b);
        out.println("ACK " + b);
        out.flush();
      }
    }
  }
}
