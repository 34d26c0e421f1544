package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.client.ServerBusyException;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.server.v1.CreateSnapshotRequest;
import dev.shale.lsm.server.v1.GetRequest;
import dev.shale.lsm.server.v1.ReleaseSnapshotRequest;
import dev.shale.lsm.server.v1.ScanRequest;
import dev.shale.lsm.server.v1.ScanResponse;
import dev.shale.lsm.server.v1.ShaleGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans whose client never reads and leaked snapshots (issue 13, findings 5 and 7): open scans are
 * capped per client and closed when idle, releasing what they pin; scans hold their memory from the
 * budget; an OutOfMemoryError in a scan ends it cleanly; snapshot ids cannot be guessed, belong to
 * their creator's identity and are capped per client, atomically.
 */
class ScanAndSnapshotLimitsTest {
  private static final int SCALE = Integer.getInteger("shale.abuse.scale", 1);

  @TempDir Path dir;
  @TempDir Path certs;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static void fill(Db db, int entries, int valueBytes) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < entries; i++) {
      batch.put(b(String.format("k%07d", i)), new byte[valueBytes]);
      if (batch.count() == 1000) {
        db.write(batch);
        batch = new WriteBatch();
      }
    }
    db.write(batch);
  }

  /** Starts a scan whose client takes nothing (no flow-control window beyond the first). */
  private static ClientCallStreamObserver<ScanRequest> stalledScan(
      ManagedChannel channel, CompletableFuture<Status> ended) {
    ClientCallStreamObserver<ScanRequest>[] holder = new ClientCallStreamObserver[1];
    ShaleGrpc.newStub(channel)
        .scan(
            ScanRequest.getDefaultInstance(),
            new ClientResponseObserver<ScanRequest, ScanResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<ScanRequest> call) {
                holder[0] = call;
                call.disableAutoRequestWithInitial(0); // never asks for a message
              }

              @Override
              public void onNext(ScanResponse value) {}

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });
    return holder[0];
  }

  @Test
  void scansThatAreNotReadAreCappedPerClientHoldBudgetAndCloseWhenIdle() throws Exception {
    int perClient = 8;
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .maxScans(perClient, 100)
                .scanIdleTimeout(Duration.ofSeconds(2))
                .start()) {
      fill(db, 4000, 1000);
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .build();
      try {
        List<CompletableFuture<Status>> ends = new ArrayList<>();
        for (int i = 0; i < perClient; i++) {
          CompletableFuture<Status> ended = new CompletableFuture<>();
          stalledScan(channel, ended);
          ends.add(ended);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.serverStats().getOpenScans() < perClient && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(perClient, server.serverStats().getOpenScans());
        long held = server.serverStats().getMemoryInFlightBytes();
        assertTrue(
            held >= perClient * (long) ShaleService.SCAN_RESERVE,
            "each open scan holds its share of the budget: " + held);

        // One more from the same client (same address) is refused; it says why and when to retry.
        try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
          ServerBusyException busy =
              assertThrows(
                  ServerBusyException.class, () -> client.scan(ReadOptions.defaults()).count());
          assertTrue(busy.getMessage().contains("scans open"), busy.getMessage());
        }

        // The idle scans are closed, releasing their iterators and their share of the budget (the
        // streams themselves wait for a client that does not read, holding only their request).
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((server.serverStats().getOpenScans() > 0
                || server.serverStats().getMemoryInFlightBytes() >= ShaleService.SCAN_RESERVE)
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(0, server.serverStats().getOpenScans());
        assertTrue(
            server.serverStats().getMemoryInFlightBytes()
                <= perClient * (long) RequestAdmission.CALL_OVERHEAD * 2,
            "held after the scans closed: " + server.serverStats().getMemoryInFlightBytes());
      } finally {
        channel.shutdownNow();
      }
      // A client that stops reading past the idle timeout is told so, and may scan again.
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build();
          Stream<KeyValue> slow = client.scan(ReadOptions.defaults())) {
        Iterator<KeyValue> entries = slow.iterator();
        entries.next();
        Thread.sleep(5000);
        ShaleException e =
            assertThrows(
                ShaleException.class,
                () -> {
                  while (entries.hasNext()) {
                    entries.next();
                  }
                });
        assertTrue(e.getMessage().contains("ABORTED"), e.getMessage());
        assertTrue(e.getMessage().contains("read nothing"), e.getMessage());
      }
      // A client that reads gets every entry.
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build();
          Stream<KeyValue> all = client.scan(ReadOptions.defaults())) {
        assertEquals(4000, all.count());
      }
    }
  }

  @Test
  void anOutOfMemoryErrorInAScanEndsItWithResourceExhausted() throws Exception {
    try (Db real = Shale.open(dir);
        GatedDb db = new GatedDb(real);
        ShaleServer server = ShaleServer.builder(db).port(0).start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      fill(real, 100, 10);
      db.iterators = iterator -> new OutOfMemoryOnNext(iterator);
      ShaleException e =
          assertThrows(ShaleException.class, () -> client.scan(ReadOptions.defaults()).count());
      assertTrue(e instanceof ServerBusyException, e.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (server.serverStats().getOpenScans() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, server.serverStats().getOpenScans(), "the scan was closed");
      db.iterators = iterator -> iterator;
      try (Stream<KeyValue> all = client.scan(ReadOptions.defaults())) {
        assertEquals(100, all.count());
      }
    }
  }

  /** An iterator whose next() runs out of memory, as a scan did at OutOfDirectMemoryError. */
  private static final class OutOfMemoryOnNext implements DbIterator {
    private final DbIterator delegate;

    OutOfMemoryOnNext(DbIterator delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public void seekToFirst() {
      delegate.seekToFirst();
    }

    @Override
    public void seek(byte[] target) {
      delegate.seek(target);
    }

    @Override
    public void next() {
      throw new OutOfMemoryError("Cannot reserve 4194304 bytes of direct buffer memory (injected)");
    }

    @Override
    public byte[] key() {
      return delegate.key();
    }

    @Override
    public byte[] value() {
      return delegate.value();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void snapshotIdsAreUnguessableAndBelongToTheirIdentity() throws Exception {
    TestCertificates serverCert = TestCertificates.create(certs, "server");
    TestCertificates alice = TestCertificates.create(certs, "alice");
    TestCertificates bob = TestCertificates.create(certs, "bob");
    Path ca = certs.resolve("clients.pem");
    java.nio.file.Files.writeString(
        ca,
        java.nio.file.Files.readString(alice.certificate())
            + java.nio.file.Files.readString(bob.certificate()));
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .tls(serverCert.certificate(), serverCert.privateKey())
                .clientCa(ca)
                .maxSnapshotsPerClient(5)
                .start();
        ShaleClient a =
            ShaleClient.builder("localhost", server.port())
                .tls(serverCert.certificate())
                .clientCertificate(alice.certificate(), alice.privateKey())
                .build();
        ShaleClient bClient =
            ShaleClient.builder("localhost", server.port())
                .tls(serverCert.certificate())
                .clientCertificate(bob.certificate(), bob.privateKey())
                .build()) {
      db.put(b("k"), b("old"));
      ManagedChannel aliceChannel = rawChannel(server, serverCert, alice);
      ManagedChannel bobChannel = rawChannel(server, serverCert, bob);
      try {
        ShaleGrpc.ShaleBlockingStub aliceStub = ShaleGrpc.newBlockingStub(aliceChannel);
        ShaleGrpc.ShaleBlockingStub bobStub = ShaleGrpc.newBlockingStub(bobChannel);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          ids.add(
              aliceStub.createSnapshot(CreateSnapshotRequest.getDefaultInstance()).getSnapshotId());
        }
        long first = ids.get(0);
        assertNotEquals(first + 1, (long) ids.get(1), "ids are not sequential");
        assertTrue(ids.stream().anyMatch(id -> (id >>> 32) != 0), "ids use all 64 bits: " + ids);

        // Alice is at her limit; Bob is not locked out.
        ServerBusyException busy = assertThrows(ServerBusyException.class, a::snapshot);
        assertTrue(busy.getMessage().contains("this client holds 5 snapshots"), busy.getMessage());
        Snapshot bobs = bClient.snapshot();

        // Bob can neither use nor release Alice's snapshot, even knowing its id.
        GetRequest atFirst =
            GetRequest.newBuilder()
                .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                .setSnapshotId(first)
                .build();
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> bobStub.get(atFirst));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        bobStub.releaseSnapshot(ReleaseSnapshotRequest.newBuilder().setSnapshotId(first).build());
        db.put(b("k"), b("new"));
        assertEquals("old", aliceStub.get(atFirst).getValue().toStringUtf8(), "still held");

        aliceStub.releaseSnapshot(ReleaseSnapshotRequest.newBuilder().setSnapshotId(first).build());
        a.snapshot().close(); // room again
        bobs.close();
      } finally {
        aliceChannel.shutdownNow();
        bobChannel.shutdownNow();
      }
    }
  }

  @Test
  void theSnapshotCapHoldsUnderConcurrentCreates() throws Exception {
    int cap = 50;
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .maxSnapshots(cap)
                .maxSnapshotsPerClient(10_000)
                .start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      ExecutorService threads = Executors.newFixedThreadPool(16);
      AtomicInteger created = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      try {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 400 * SCALE; i++) {
          all.add(
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      client.snapshot();
                      created.incrementAndGet();
                    } catch (ServerBusyException e) {
                      refused.incrementAndGet();
                    }
                  },
                  threads));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      } finally {
        threads.shutdownNow();
      }
      assertEquals(cap, created.get());
      assertEquals(cap, server.heldSnapshots());
      assertEquals(400 * SCALE - cap, refused.get());
    }
  }

  private static ManagedChannel rawChannel(
      ShaleServer server, TestCertificates serverCert, TestCertificates client) throws Exception {
    io.grpc.ChannelCredentials credentials =
        io.grpc.TlsChannelCredentials.newBuilder()
            .trustManager(serverCert.certificate().toFile())
            .keyManager(client.certificate().toFile(), client.privateKey().toFile())
            .build();
    return Grpc.newChannelBuilderForAddress("localhost", server.port(), credentials).build();
  }
}
