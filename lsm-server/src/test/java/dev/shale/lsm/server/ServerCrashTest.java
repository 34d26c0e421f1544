package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.client.ShaleClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a server in a child JVM while clients write with {@code LOCAL} durability (single puts
 * and two-key batches), restarts it, and checks through the server that every acknowledged write is
 * there, batches whole. Cycles: {@code -Dshale.server.crash.cycles} (3 by default).
 */
class ServerCrashTest {
  private static final int WRITERS = 4;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    int cycles = Integer.getInteger("shale.server.crash.cycles", 3);
    Random random = new Random();
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    for (int cycle = 0; cycle < cycles; cycle++) {
      try (ServerProcess server = ServerProcess.start(dir, "-Xmx256m")) {
        check(server.port(), acknowledged);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          String prefix = "c" + cycle + "-w" + w + "-";
          Thread t =
              Thread.ofPlatform().start(() -> write(server.port(), prefix, stop, acknowledged));
          writers.add(t);
        }
        // Kill once writes flow (a busy machine may take a while to connect), at a random moment.
        int before = acknowledged.size();
        long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.size() < before + 20 && System.nanoTime() < give) {
          Thread.sleep(10);
        }
        Thread.sleep(random.nextInt(500));
        server.kill();
        stop.set(true);
        for (Thread t : writers) {
          t.join(TimeUnit.SECONDS.toMillis(60));
        }
      }
    }
    try (ServerProcess server = ServerProcess.start(dir, "-Xmx256m")) {
      check(server.port(), acknowledged);
    }
    assertTrue(acknowledged.size() > cycles, "too few writes were acknowledged to test anything");
  }

  private static void write(
      int port, String prefix, AtomicBoolean stop, ConcurrentLinkedQueue<String> acknowledged) {
    WriteOptions local = WriteOptions.of(Durability.LOCAL);
    try (ShaleClient client =
        ShaleClient.builder("127.0.0.1", port).deadline(Duration.ofSeconds(10)).build()) {
      for (int i = 0; !stop.get(); i++) {
        String key = prefix + i;
        try {
          if (i % 2 == 0) {
            client.put(b(key), b("v-" + key), local);
          } else {
            client.write(
                new WriteBatch().put(b(key), b("v-" + key)).put(b(key + "-pair"), b("v-" + key)),
                local);
          }
        } catch (RuntimeException e) {
          return; // the server died: this write was not acknowledged
        }
        acknowledged.add(key);
      }
    }
  }

  private static void check(int port, ConcurrentLinkedQueue<String> acknowledged) {
    try (ShaleClient client = ShaleClient.builder("127.0.0.1", port).build()) {
      for (String key : acknowledged) {
        assertArrayEquals(b("v-" + key), client.get(b(key)), "acknowledged write lost: " + key);
        int i = Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
        if (i % 2 == 1) {
          assertArrayEquals(b("v-" + key), client.get(b(key + "-pair")), "half a batch: " + key);
        }
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
