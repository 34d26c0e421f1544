package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.client.ServerReport;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.spi.io.DiskStorage;
import dev.shale.lsm.tck.io.FaultInjectingStorage;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health follows the Db (issue 13, finding 3) through each state: writable; read-only after a
 * background error (reads still served, writes not, the Stats call says why) and back once the Db
 * recovers; fenced by another primary (for good); closing.
 */
class HealthTest {
  @TempDir Path dir;
  @TempDir Path other;
  @TempDir Path bucket;

  private static ServingStatus status(ManagedChannel channel, String service) {
    return HealthGrpc.newBlockingStub(channel)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static void await(ManagedChannel channel, String service, ServingStatus expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (status(channel, service) != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, status(channel, service), service);
  }

  private static ManagedChannel channel(ShaleServer server) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  @Test
  void aReadOnlyDbIsNotServingForWritesUntilItRecovers() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(DiskStorage.instance());
    Db db =
        Shale.builder(dir)
            .storage(storage)
            .options(DbOptions.builder().memtableBytes(1 << 20).build())
            .open();
    try (ShaleServer server =
            ShaleServer.builder(db).port(0).healthCheckPeriod(Duration.ofMillis(100)).start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      ManagedChannel channel = channel(server);
      try {
        for (String service :
            new String[] {
              "", ShaleServer.SERVICE_NAME, ShaleServer.READ_HEALTH, ShaleServer.WRITE_HEALTH
            }) {
          assertEquals(ServingStatus.SERVING, status(channel, service), service);
        }
        storage.diskFullAfter(0);
        assertThrows(
            ShaleException.class,
            () ->
                client.put(
                    "k".getBytes(UTF_8), "v".getBytes(UTF_8), WriteOptions.of(Durability.LOCAL)));
        await(channel, ShaleServer.WRITE_HEALTH, ServingStatus.NOT_SERVING);
        assertEquals(ServingStatus.NOT_SERVING, status(channel, ShaleServer.SERVICE_NAME));
        assertEquals(ServingStatus.NOT_SERVING, status(channel, ""));
        assertEquals(ServingStatus.SERVING, status(channel, ShaleServer.READ_HEALTH));
        ServerReport report = client.stats();
        assertEquals("NOT_SERVING", report.server().getWriteHealth());
        assertTrue(
            report.server().getNotServingReason().contains("No space left on device"),
            report.server().getNotServingReason());
        assertTrue(report.db().writes().readOnlyReason().contains("No space left on device"));
        client.get("k".getBytes(UTF_8)); // reads go on

        storage.clearFaults(); // the Db retries and recovers on its own
        await(channel, ShaleServer.WRITE_HEALTH, ServingStatus.SERVING);
        assertEquals(ServingStatus.SERVING, status(channel, ShaleServer.SERVICE_NAME));
        client.put("k".getBytes(UTF_8), "v".getBytes(UTF_8), WriteOptions.of(Durability.LOCAL));
        assertEquals(1, client.stats().db().backgroundErrors().recoveries());

        server.close();
        assertEquals(ServingStatus.NOT_SERVING, status(channel, ShaleServer.READ_HEALTH));
      } catch (io.grpc.StatusRuntimeException afterClose) {
        // the closed server may refuse the last check outright, which is as good
      } finally {
        channel.shutdownNow();
      }
    } finally {
      db.close();
    }
  }

  @Test
  void aFencedPrimaryServesReadsOnly() throws Exception {
    String uri = bucket.toUri().toString();
    Db first = Shale.builder(dir).objectStore(uri).open();
    try (ShaleServer server =
            ShaleServer.builder(first).port(0).healthCheckPeriod(Duration.ofMillis(100)).start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      ManagedChannel channel = channel(server);
      try {
        client.put("a".getBytes(UTF_8), "1".getBytes(UTF_8), WriteOptions.of(Durability.REMOTE));
        assertEquals(ServingStatus.SERVING, status(channel, ShaleServer.WRITE_HEALTH));
        try (Db second = Shale.builder(other).objectStore(uri).open()) {
          assertThrows(
              ShaleException.class,
              () ->
                  client.put(
                      "b".getBytes(UTF_8),
                      "2".getBytes(UTF_8),
                      WriteOptions.of(Durability.REMOTE)));
          await(channel, ShaleServer.WRITE_HEALTH, ServingStatus.NOT_SERVING);
          assertEquals(ServingStatus.SERVING, status(channel, ShaleServer.READ_HEALTH));
          assertTrue(
              client.stats().server().getNotServingReason().contains("fenced")
                  || client.stats().server().getNotServingReason().contains("epoch"),
              client.stats().server().getNotServingReason());
          Thread.sleep(1500); // a fenced primary is never retried back to writable
          assertEquals(ServingStatus.NOT_SERVING, status(channel, ShaleServer.WRITE_HEALTH));
          assertEquals("1", new String(second.get("a".getBytes(UTF_8)), UTF_8));
        }
      } finally {
        channel.shutdownNow();
      }
    } finally {
      try {
        first.close();
      } catch (RuntimeException fenced) {
        // closing a fenced primary may report it
      }
    }
  }
}
