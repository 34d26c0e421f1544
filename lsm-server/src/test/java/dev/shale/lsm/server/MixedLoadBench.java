package dev.shale.lsm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.server.v1.ServerStats;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed load of issue 13, not in the default run ({@code -Pabuse}, or {@code
 * -Dshale.mixed.seconds=N}): a server in a child JVM at {@code -Xmx256m}, 64 clients (each its own
 * connection and thread) doing 45% gets, 45% puts of 1 KiB and 10% scans of 100 entries over
 * 100,000 keys, once alone and once while 8 more clients flood it with 8 MiB values. Reports
 * throughput, p50/p99 of the 64 clients, their errors, what became of the flood, and the server's
 * heap after collections and its memory budget's peak, on standard output and in {@code
 * target/mixed-load-report.txt}. Checks: the flood is refused with RESOURCE_EXHAUSTED (some of it),
 * the 64 clients see no error, the Db stays writable, the budget's peak stays within the budget.
 */
class MixedLoadBench {
  private static final int CLIENTS = 64;
  private static final int FLOODERS = 8;

  @TempDir Path dir;

  record Run(
      String name,
      long ops,
      double seconds,
      double p50,
      double p99,
      long errors,
      long floodAccepted,
      long floodRefused,
      long floodOtherErrors,
      long heapAfterGcMax,
      long budgetPeak,
      long budget,
      boolean writable) {
    String line() {
      return String.format(
          Locale.ROOT,
          "%-12s %9.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  flood: %d accepted, %d"
              + " RESOURCE_EXHAUSTED, %d other  heap after GC max %d MiB  budget peak %d of %d MiB"
              + "  writable %s",
          name,
          ops / seconds,
          p50,
          p99,
          errors,
          floodAccepted,
          floodRefused,
          floodOtherErrors,
          heapAfterGcMax >> 20,
          budgetPeak >> 20,
          budget >> 20,
          writable);
    }
  }

  @Test
  void mixedLoadWithAndWithoutAFloodOfLargeValues() throws Exception {
    int seconds = Integer.getInteger("shale.mixed.seconds", 0);
    assumeTrue(seconds > 0, "the mixed load runs with -Pabuse or -Dshale.mixed.seconds=N");
    Run quiet = run(dir.resolve("quiet"), seconds, false);
    System.out.println(quiet.line());
    Run flooded = run(dir.resolve("flooded"), seconds, true);
    System.out.println(flooded.line());
    String report =
        "mixed load, "
            + CLIENTS
            + " clients, "
            + seconds
            + " s each, server -Xmx256m\n"
            + quiet.line()
            + "\n"
            + flooded.line()
            + String.format(
                Locale.ROOT,
                "%np99 with the flood / without: %.2fx%n",
                flooded.p99() / quiet.p99());
    System.out.print(report);
    Files.writeString(Path.of("target", "mixed-load-report.txt"), report);
    assertEquals(0, quiet.errors(), "errors of the 64 clients without the flood");
    assertEquals(0, flooded.errors(), "errors of the 64 clients during the flood");
    assertTrue(flooded.floodRefused() > 0, "the flood met RESOURCE_EXHAUSTED");
    assertTrue(flooded.writable() && quiet.writable(), "the Db stayed writable");
    assertTrue(flooded.budgetPeak() <= flooded.budget(), "the budget held");
  }

  private static Run run(Path db, int seconds, boolean flood) throws Exception {
    try (ServerProcess server = ServerProcess.start(db, "-Xmx256m")) {
      String name = flood ? "with flood" : "without";
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      AtomicLong errors = new AtomicLong();
      AtomicLong scanned = new AtomicLong();
      AtomicLong floodAccepted = new AtomicLong();
      AtomicLong floodRefused = new AtomicLong();
      AtomicLong floodOther = new AtomicLong();
      long[][] latencies = new long[CLIENTS][];
      int[] counts = new int[CLIENTS];
      List<Thread> threads = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      try (ShaleClient seed = ShaleClient.builder("127.0.0.1", server.port()).build()) {
        byte[] value = new byte[1024];
        for (int i = 0; i < 100_000; i += 1000) {
          dev.shale.lsm.api.WriteBatch batch = new dev.shale.lsm.api.WriteBatch();
          for (int k = i; k < i + 1000; k++) {
            batch.put(key(k), value);
          }
          seed.write(batch);
        }
      }
      for (int c = 0; c < CLIENTS; c++) {
        int id = c;
        threads.add(
            Thread.ofPlatform()
                .name("mixed-" + c)
                .start(
                    () -> {
                      long[] mine = new long[1 << 16];
                      int n = 0;
                      byte[] value = new byte[1024];
                      ThreadLocalRandom random = ThreadLocalRandom.current();
                      try (ShaleClient client =
                          ShaleClient.builder("127.0.0.1", server.port()).build()) {
                        while (System.nanoTime() < end) {
                          int dice = random.nextInt(100);
                          byte[] key = key(random.nextInt(100_000));
                          long start = System.nanoTime();
                          try {
                            if (dice < 45) {
                              client.get(key);
                            } else if (dice < 90) {
                              client.put(key, value);
                            } else {
                              try (Stream<KeyValue> s =
                                  client.scan(ReadOptions.defaults().withLowerBound(key), 100)) {
                                scanned.addAndGet(s.count());
                              }
                            }
                          } catch (RuntimeException e) {
                            if (errors.incrementAndGet() < 5) {
                              System.err.println("mixed client: " + e);
                            }
                            continue;
                          }
                          if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                          }
                          mine[n++] = System.nanoTime() - start;
                        }
                      }
                      latencies[id] = mine;
                      counts[id] = n;
                    }));
      }
      Process flooder = null;
      if (flood) {
        String java = ProcessHandle.current().info().command().orElse("java");
        flooder =
            new ProcessBuilder(
                    java,
                    "-Xmx512m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    FloodClient.class.getName(),
                    Integer.toString(server.port()),
                    Integer.toString(FLOODERS),
                    Integer.toString(seconds))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
      }
      long began = System.nanoTime();
      for (Thread t : threads) {
        t.join();
      }
      if (flooder != null) {
        String line;
        try (var out =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(flooder.getInputStream(), StandardCharsets.UTF_8))) {
          line = out.readLine();
        }
        flooder.waitFor();
        if (line != null && line.startsWith("flood ")) {
          String[] f = line.split(" ");
          floodAccepted.set(Long.parseLong(f[1]));
          floodRefused.set(Long.parseLong(f[2]));
          floodOther.set(Long.parseLong(f[3]));
        }
      }
      double took = (System.nanoTime() - began) / 1e9;
      long total = Arrays.stream(counts).asLongStream().sum();
      long[] all = new long[(int) total];
      int at = 0;
      for (int c = 0; c < CLIENTS; c++) {
        System.arraycopy(latencies[c], 0, all, at, counts[c]);
        at += counts[c];
      }
      Arrays.sort(all);
      boolean writable;
      ServerStats stats;
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
        client.put("after".getBytes(StandardCharsets.UTF_8), new byte[10]);
        stats = client.stats().server();
        ManagedChannel channel =
            Grpc.newChannelBuilderForAddress(
                    "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
        try {
          writable =
              HealthGrpc.newBlockingStub(channel)
                      .check(
                          HealthCheckRequest.newBuilder()
                              .setService(ShaleServer.WRITE_HEALTH)
                              .build())
                      .getStatus()
                  == HealthCheckResponse.ServingStatus.SERVING;
        } finally {
          channel.shutdownNow();
        }
      }
      server.terminate();
      return new Run(
          name,
          total,
          took,
          percentile(all, 0.50),
          percentile(all, 0.99),
          errors.get(),
          floodAccepted.get(),
          floodRefused.get(),
          floodOther.get(),
          server.maxHeapAfterGc(),
          Math.max(server.budgetPeak(), stats.getMemoryPeakBytes()),
          stats.getMemoryBudgetBytes(),
          writable);
    }
  }

  private static byte[] key(int k) {
    return String.format("key%06d", k).getBytes(StandardCharsets.UTF_8);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}
