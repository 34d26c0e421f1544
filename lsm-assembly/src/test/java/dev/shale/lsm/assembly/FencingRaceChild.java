package dev.shale.lsm.assembly;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.WriteOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary in {@link FencingRaceTest}: opens the Db in its directory as primary of the bucket,
 * prints {@code READY}, then writes REMOTE from three threads, each write a unique tag {@code
 * <base> + n}, printing {@code ACK n} when a write is acknowledged and {@code FAIL n} when it fails
 * with {@link FencedException}; a thread stops at its first failure. Arguments: directory, bucket
 * URI, tag base.
 */
public final class FencingRaceChild {
  static final int THREADS = 3;

  private FencingRaceChild() {}

  /** The key of tag {@code n}. */
  static byte[] key(long n) {
    return String.format("tag%012d", n).getBytes(StandardCharsets.UTF_8);
  }

  /** The value of tag {@code n}. */
  static byte[] value(long n) {
    return ("written-as-" + n).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Db db =
        Shale.builder(Path.of(args[0]))
            .options(CrashWorkload.options())
            .objectStore(args[1])
            .open();
    long base = Long.parseLong(args[2]);
    PrintStream out = System.out;
    synchronized (out) {
      out.println("READY");
      out.flush();
    }
    WriteOptions remote = WriteOptions.of(Durability.REMOTE);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (long n = base + thread; ; n += THREADS) {
                      String line;
                      try {
                        db.put(key(n), value(n), remote);
                        line = "ACK " + n;
                      } catch (FencedException e) {
                        line = "FAIL " + n;
                      } catch (RuntimeException e) {
                        return; // neither acknowledged nor known to have failed
                      }
                      synchronized (out) {
                        out.println(line);
                        out.flush();
                      }
                      if (line.startsWith("FAIL")) {
                        return;
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    Thread.sleep(Long.MAX_VALUE); // fenced: wait to be killed, like a stuck process
  }
}
