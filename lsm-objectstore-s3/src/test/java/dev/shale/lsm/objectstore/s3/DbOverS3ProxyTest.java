package dev.shale.lsm.objectstore.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole Db shipping its WAL, tables and manifests over the real S3 protocol (S3Proxy over HTTP on
 * loopback): REMOTE writes, a second primary that fences the first, and a restore into an empty
 * directory. With {@code -Dshale.remote.bench=true} it also measures REMOTE write latency and the
 * requests sent per million writes (printed; no timing assertion).
 */
class DbOverS3ProxyTest {
  private static final WriteOptions REMOTE = WriteOptions.of(Durability.REMOTE);

  @TempDir Path tmp;

  private static ObjectStore freshStore() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared();
    return new S3ObjectStoreProvider().open(S3ProxyServer.freshUri(), server.options());
  }

  private static ObjectStore sameStore(ObjectStore store) throws IOException {
    return new S3ObjectStoreProvider()
        .open(URI.create(store.uri()), S3ProxyServer.shared().options());
  }

  private static byte[] key(int i) {
    return String.format("key-%06d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return ("value-" + i).getBytes(UTF_8);
  }

  private static DbOptions options() {
    return DbOptions.builder().memtableBytes(64 << 10).targetFileBytes(64 << 10).build();
  }

  @Test
  void remoteWritesSurviveTheLossOfTheMachineAndTheOldPrimaryIsFenced() throws Exception {
    try (ObjectStore first = freshStore();
        ObjectStore second = sameStore(first)) {
      Db a =
          Shale.builder(tmp.resolve("a"))
              .options(options())
              .remote(RemoteConfig.of(first, first))
              .open();
      try {
        for (int i = 0; i < 400; i++) {
          a.put(key(i), value(i), i % 4 == 0 ? REMOTE : WriteOptions.of(Durability.MEMORY));
          if (i == 200) {
            a.flush();
          }
        }
        a.put(key(400), value(400), REMOTE);
        try (Db b =
            Shale.builder(tmp.resolve("b"))
                .options(options())
                .remote(RemoteConfig.of(second, second))
                .open()) {
          for (int i = 0; i <= 400; i++) {
            assertArrayEquals(value(i), b.get(key(i)), "key " + i);
          }
          assertThrows(FencedException.class, () -> a.put(key(1), value(1), REMOTE));
          DbStats.Shipping s = b.stats().shipping();
          assertEquals(2, s.writerEpoch());
          assertTrue(s.putRequests() > 0 && s.getRequests() > 0, s.toString());
        }
      } finally {
        try {
          a.close();
        } catch (RuntimeException fenced) {
          // closing a fenced primary may report the failed final upload
        }
      }
    }
  }

  @Test
  void measureRemoteWriteLatency() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Boolean.getBoolean("shale.remote.bench"),
        "a measurement: run with -Dshale.remote.bench=true");
    int writes = Integer.getInteger("shale.remote.bench.writes", 2000);
    for (int threads : new int[] {1, 8}) {
      try (ObjectStore store = freshStore();
          Db db =
              Shale.builder(tmp.resolve("bench-" + threads))
                  .remote(RemoteConfig.of(store, store))
                  .open()) {
        for (int i = 0; i < 100; i++) {
          db.put(key(i), value(i), REMOTE); // warm-up
        }
        DbStats before = db.stats();
        long[] micros = new long[writes];
        java.util.concurrent.atomic.AtomicInteger next =
            new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        java.util.List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Thread w =
              new Thread(
                  () -> {
                    for (int i; (i = next.getAndIncrement()) < writes; ) {
                      long t0 = System.nanoTime();
                      db.put(key(i), value(i), REMOTE);
                      micros[i] = (System.nanoTime() - t0) / 1000;
                    }
                  });
          w.start();
          workers.add(w);
        }
        for (Thread w : workers) {
          w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        DbStats after = db.stats();
        Arrays.sort(micros);
        long ops = after.writes().operations() - before.writes().operations();
        long requests = after.shipping().requests() - before.shipping().requests();
        System.out.printf(
            "REMOTE put over S3Proxy, %d thread(s), %d writes: %.0f writes/s, p50 %.2f ms,"
                + " p99 %.2f ms; %d requests = %.0f requests per million writes%n",
            threads,
            writes,
            writes / seconds,
            micros[writes / 2] / 1000.0,
            micros[writes * 99 / 100] / 1000.0,
            requests,
            requests * 1e6 / ops);
      }
    }
  }
}
