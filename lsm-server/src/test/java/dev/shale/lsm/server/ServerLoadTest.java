package dev.shale.lsm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.client.ShaleClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load test, not in the default run: {@code -Pload} (or {@code -Dshale.load.seconds=N}). A
 * server in a child JVM ({@code -Xmx1g}); {@code shale.load.clients} clients (64), each its own
 * connection and thread, for the given time on loopback: half puts of 100-byte values (the server's
 * default durability), half gets, over 100,000 keys. Reports throughput, p50/p99/p999 latency,
 * errors (which must be 0) and the server's heap, on standard output and in {@code
 * target/load-report.txt}.
 */
class ServerLoadTest {
  @TempDir Path dir;

  @Test
  void sixtyFourClients() throws Exception {
    int seconds = Integer.getInteger("shale.load.seconds", 0);
    assumeTrue(seconds > 0, "the load test runs with -Pload or -Dshale.load.seconds=N");
    int clients = Integer.getInteger("shale.load.clients", 64);
    AtomicLong errors = new AtomicLong();
    try (ServerProcess server = ServerProcess.start(dir.resolve("db"), "-Xmx1g")) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> threads = new ArrayList<>();
      int[] counts = new int[clients];
      for (int c = 0; c < clients; c++) {
        long[][] holder = {new long[1 << 16]};
        int id = c;
        Thread t =
            Thread.ofPlatform()
                .name("load-" + c)
                .start(
                    () -> {
                      byte[] value = new byte[100];
                      ThreadLocalRandom random = ThreadLocalRandom.current();
                      try (ShaleClient client =
                          ShaleClient.builder("127.0.0.1", server.port()).build()) {
                        int n = 0;
                        while (System.nanoTime() < end) {
                          byte[] key =
                              ("key" + random.nextInt(100_000)).getBytes(StandardCharsets.UTF_8);
                          long start = System.nanoTime();
                          try {
                            if (random.nextBoolean()) {
                              client.put(key, value, WriteOptions.DEFAULT);
                            } else {
                              client.get(key);
                            }
                          } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            continue;
                          }
                          long took = System.nanoTime() - start;
                          if (n == holder[0].length) {
                            holder[0] = Arrays.copyOf(holder[0], n * 2);
                          }
                          holder[0][n++] = took;
                        }
                        counts[id] = n;
                      }
                    });
        threads.add(t);
        holders.add(holder);
      }
      for (Thread t : threads) {
        t.join();
      }
      long total = Arrays.stream(counts).asLongStream().sum();
      long[] all = new long[(int) total];
      int at = 0;
      for (int c = 0; c < clients; c++) {
        System.arraycopy(holders.get(c)[0], 0, all, at, counts[c]);
        at += counts[c];
      }
      Arrays.sort(all);
      String report =
          String.format(
              "load: %d clients, %d s, %d ops, %.0f ops/s, p50 %.2f ms, p99 %.2f ms, p999 %.2f ms,"
                  + " errors %d, server heap max %d MiB (last %d MiB, -Xmx1g)%n",
              clients,
              seconds,
              total,
              total / (double) seconds,
              percentile(all, 0.50),
              percentile(all, 0.99),
              percentile(all, 0.999),
              errors.get(),
              server.maxHeapUsed() >> 20,
              server.lastHeapUsed() >> 20);
      System.out.print(report);
      Files.writeString(Path.of("target", "load-report.txt"), report);
      // 143: the JVM ran its shutdown hooks (drain, close the Db) and exited for SIGTERM.
      assertEquals(143, server.terminate(), "graceful shutdown on SIGTERM");
    }
    assertEquals(0, errors.get(), "errors under load");
  }

  private final List<long[][]> holders = new ArrayList<>();

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}
