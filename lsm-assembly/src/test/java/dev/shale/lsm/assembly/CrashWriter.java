package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of the crash test: writes {@link CrashWorkload} batches with LOCAL durability
 * from {@link CrashWorkload#THREADS} threads and prints {@code ACK <batch>} after each write
 * returns, until killed. Arguments: db directory, first batch number per thread (comma separated),
 * memtable provider, compaction provider.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String[] starts = args[1].split(",");
    Db db =
        Shale.builder(dir)
            .memtable(args[2])
            .compaction(args[3])
            .options(CrashWorkload.options())
            .open();
    PrintStream out = System.out;
    synchronized (out) {
      out.println("READY");
      out.flush();
    }
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CrashWorkload.THREADS; t++) {
      long first = Long.parseLong(starts[t]);
      Thread thread =
          new Thread(
              () -> {
                for (long b = first; ; b += CrashWorkload.THREADS) {
                  db.write(CrashWorkload.batch(b), WriteOptions.of(Durability.LOCAL));
                  synchronized (out) {
                    out.println("ACK " + b);
                    out.flush();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
