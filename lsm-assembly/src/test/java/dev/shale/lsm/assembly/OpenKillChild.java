package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import java.nio.file.Path;

/**
 * The child process of {@link OpenKillTest}: opens and closes a scratch Db (so class loading and
 * JIT warm-up happen before the clock starts), prints {@code READY}, opens the Db in the directory
 * given as its first argument with small memtables (so the open replays and flushes), prints {@code
 * ACK <milliseconds the open took>}, closes it and exits. The parent kills it with SIGKILL
 * somewhere in between.
 */
public final class OpenKillChild {
  private OpenKillChild() {}

  /** The options the child opens with: memtables far smaller than the log it replays. */
  static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(64 * 1024)
        .targetFileBytes(64 * 1024)
        .walSegmentBytes(256 * 1024)
        .level0CompactionTrigger(4)
        .build();
  }

  public static void main(String[] args) throws java.io.IOException {
    Path scratch = java.nio.file.Files.createTempDirectory("shale-open-kill-warmup");
    try (Db db = Shale.builder(scratch).options(options()).open()) {
      db.put(new byte[] {1}, new byte[] {2});
    }
    System.out.println("READY");
    System.out.flush();
    long start = System.nanoTime();
    try (Db db = Shale.builder(Path.of(args[0])).options(options()).open()) {
      System.out.println("ACK " + (System.nanoTime() - start) / 1_000_000);
      System.out.flush();
    }
  }
}
