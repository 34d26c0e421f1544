package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import java.nio.file.Path;

/**
 * A child process of {@link ReadOnlyOpenTest}: opens the Db in the directory given as its first
 * argument, read-only when the second argument is {@code read-only}, prints {@code READY} and keeps
 * it open until killed, so that the parent can check how opens in two processes exclude each other.
 */
public final class LockHolderChild {
  private LockHolderChild() {}

  public static void main(String[] args) throws InterruptedException {
    Shale.Builder builder = Shale.builder(Path.of(args[0]));
    if (args[1].equals("read-only")) {
      builder.readOnly();
    }
    try (Db db = builder.open()) {
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
