package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.client.RemoteTransaction;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.server.v1.GetRequest;
import dev.shale.lsm.server.v1.ShaleGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every RPC over loopback, through {@link ShaleClient} and through raw stubs. */
class ServerEndToEndTest {
  @TempDir Path dir;
  private Db db;
  private ShaleServer server;
  private ShaleClient client;

  @BeforeEach
  void start() {
    db = Shale.open(dir);
    server =
        ShaleServer.builder(db)
            .port(0)
            .maxKeyBytes(1024)
            .maxValueBytes(64 * 1024)
            .maxMessageBytes(1 << 20)
            .snapshotLease(Duration.ofMillis(300))
            .start();
    client = ShaleClient.builder("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    db.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<String> keys(Stream<KeyValue> entries) {
    try (entries) {
      return entries.map(kv -> new String(kv.key(), UTF_8)).toList();
    }
  }

  @Test
  void putGetDelete() {
    client.put(b("a"), b("1"));
    client.put(b("b"), b(""), WriteOptions.of(Durability.LOCAL));
    assertArrayEquals(b("1"), client.get(b("a")));
    assertArrayEquals(b(""), client.get(b("b")), "an empty value is not absent");
    assertNull(client.get(b("zz")));
    client.delete(b("a"));
    client.delete(b("never-there"));
    assertNull(client.get(b("a")));
    assertArrayEquals(b("1"), db.get(b("b")) == null ? b("x") : b("1"), "written to the Db");
  }

  @Test
  void writeAppliesABatch() {
    client.put(b("gone"), b("x"));
    WriteBatch batch =
        new WriteBatch().put(b("k1"), b("v1")).put(b("k2"), b("v2")).delete(b("gone"));
    client.write(batch, WriteOptions.of(Durability.LOCAL));
    assertArrayEquals(b("v1"), db.get(b("k1")));
    assertArrayEquals(b("v2"), db.get(b("k2")));
    assertNull(db.get(b("gone")));
    client.write(new WriteBatch()); // empty: a no-op
  }

  @Test
  void aBatchWithOneBadOperationWritesNothing() {
    WriteBatch batch = new WriteBatch().put(b("ok"), b("v")).put(new byte[2000], b("v"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.write(batch));
    assertTrue(e.getMessage().contains("2000 bytes"), e.getMessage());
    assertNull(client.get(b("ok")));
  }

  @Test
  void scanHonoursBoundsPrefixAndLimitAcrossChunks() {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < 3000; i++) {
      batch.put(b(String.format("k%05d", i)), new byte[100]);
    }
    batch.put(b("other"), b("x"));
    client.write(batch);
    assertEquals(3001, keys(client.scan(ReadOptions.defaults())).size());
    List<String> prefixed = keys(client.scan(ReadOptions.defaults().withPrefix(b("k"))));
    assertEquals(3000, prefixed.size());
    assertEquals("k00000", prefixed.get(0));
    assertEquals("k02999", prefixed.get(2999));
    assertEquals(
        List.of("k00010", "k00011", "k00012"),
        keys(
            client.scan(
                ReadOptions.defaults().withLowerBound(b("k00010")).withUpperBound(b("k00013")))));
    assertEquals(List.of("k00000", "k00001"), keys(client.scan(ReadOptions.defaults(), 2)));
    assertEquals(List.of(), keys(client.scan(ReadOptions.defaults().withPrefix(b("nope")))));
  }

  @Test
  void closingAScanEarlyCancelsItAndTheServerCarriesOn() {
    for (int half = 0; half < 2; half++) { // batches within the server's 10,000 operations
      WriteBatch batch = new WriteBatch();
      for (int i = half * 10_000; i < (half + 1) * 10_000; i++) {
        batch.put(b(String.format("k%06d", i)), new byte[20]);
      }
      client.write(batch);
    }
    for (int round = 0; round < 20; round++) {
      try (Stream<KeyValue> entries = client.scan(ReadOptions.defaults())) {
        assertEquals(5, entries.limit(5).count());
      }
    }
    assertEquals(3, keys(client.scan(ReadOptions.defaults(), 3)).size());
  }

  @Test
  void snapshotsSeeThePastUntilReleased() {
    client.put(b("k"), b("old"));
    Snapshot snapshot = client.snapshot();
    assertEquals(1, server.heldSnapshots());
    client.put(b("k"), b("new"));
    client.put(b("k2"), b("new"));
    ReadOptions atSnapshot = ReadOptions.defaults().withSnapshot(snapshot);
    assertArrayEquals(b("old"), client.get(b("k"), atSnapshot));
    assertArrayEquals(b("new"), client.get(b("k")));
    assertEquals(List.of("k"), keys(client.scan(atSnapshot)));
    snapshot.close();
    assertEquals(0, server.heldSnapshots());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.get(b("k"), atSnapshot));
    assertTrue(e.getMessage().contains("no snapshot"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> client.get(b("k"), ReadOptions.defaults().withSnapshot(db.snapshot())),
        "a local snapshot is not the server's");
  }

  @Test
  void anUnusedSnapshotIsReleasedWhenItsLeaseExpires() throws InterruptedException {
    client.snapshot(); // never closed: a client that went away
    assertEquals(1, server.heldSnapshots());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.heldSnapshots() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, server.heldSnapshots());
  }

  @Test
  void transactionsCommitAndConflict() {
    client.put(b("balance"), b("10"));
    try (RemoteTransaction txn = client.beginTransaction(WriteOptions.of(Durability.LOCAL))) {
      assertArrayEquals(b("10"), txn.get(b("balance")));
      txn.put(b("balance"), b("20"));
      assertArrayEquals(b("20"), txn.get(b("balance")), "reads its own writes");
      txn.commit();
    }
    assertArrayEquals(b("20"), client.get(b("balance")));

    RemoteTransaction loser = client.beginTransaction();
    assertArrayEquals(b("20"), loser.get(b("balance")));
    assertNull(loser.get(b("absent")));
    client.put(b("balance"), b("25")); // a concurrent writer
    loser.put(b("balance"), b("30"));
    loser.put(b("other"), b("x"));
    assertThrows(TransactionConflictException.class, loser::commit);
    assertArrayEquals(b("25"), client.get(b("balance")));
    assertNull(client.get(b("other")), "nothing of a conflicting transaction is written");

    RemoteTransaction phantom = client.beginTransaction();
    assertNull(phantom.get(b("absent")));
    client.put(b("absent"), b("now here"));
    phantom.put(b("x"), b("y"));
    assertThrows(TransactionConflictException.class, phantom::commit);
    assertEquals(0, server.heldSnapshots(), "transactions release their snapshots");
  }

  @Test
  void badArgumentsAreInvalidArgumentWithAClearMessage() {
    ShaleGrpc.ShaleBlockingStub stub = rawStub();
    StatusRuntimeException empty =
        assertThrows(StatusRuntimeException.class, () -> stub.get(GetRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    assertTrue(empty.getStatus().getDescription().contains("key is empty"));

    IllegalArgumentException longKey =
        assertThrows(IllegalArgumentException.class, () -> client.put(new byte[1025], b("v")));
    assertTrue(longKey.getMessage().contains("1025 bytes"), longKey.getMessage());
    IllegalArgumentException bigValue =
        assertThrows(
            IllegalArgumentException.class, () -> client.put(b("k"), new byte[64 * 1024 + 1]));
    assertTrue(bigValue.getMessage().contains("over the server's limit"), bigValue.getMessage());
    assertNull(client.get(b("k")));
  }

  @Test
  void anOversizedMessageIsRefusedAndTheServerCarriesOn() {
    client.put(b("k"), b("v"));
    ShaleException e =
        assertThrows(ShaleException.class, () -> client.put(b("big"), new byte[2 << 20]));
    StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getStatus().getCode());
    assertArrayEquals(b("v"), client.get(b("k")));
    assertNull(client.get(b("big")));
  }

  @Test
  void aClosedDbIsUnavailable() {
    db.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.get(b("k")));
    StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    assertEquals(Status.Code.UNAVAILABLE, status.getStatus().getCode());
  }

  @Test
  void anExpiredDeadlineIsNotServed() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                rawStub()
                    .withDeadlineAfter(0, TimeUnit.NANOSECONDS)
                    .get(
                        GetRequest.newBuilder()
                            .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                            .build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
  }

  @Test
  void healthAndReflectionAnswer() throws Exception {
    ManagedChannel channel = channel();
    try {
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel)
              .check(HealthCheckRequest.newBuilder().setService(ShaleServer.SERVICE_NAME).build());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

      CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(channel)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                      answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      Set<String> services =
          answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
              .map(ServiceResponse::getName)
              .collect(Collectors.toSet());
      requests.onCompleted();
      assertTrue(services.contains(ShaleServer.SERVICE_NAME), services.toString());
      assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void malformedRequestsAreRefusedAndTheStoreIsIntact() {
    client.put(b("k"), b("v"));
    MethodDescriptor<byte[], byte[]> rawPut =
        ShaleGrpc.getPutMethod().toBuilder(new RawBytes(), new RawBytes()).build();
    ManagedChannel channel = channel();
    channels.add(channel);
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[random.nextInt(64)];
      random.nextBytes(garbage);
      try {
        ClientCalls.blockingUnaryCall(
            channel,
            rawPut,
            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            garbage);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        // grpc answers an unparsable message with UNKNOWN or INTERNAL; parsable garbage with an
        // empty key gets INVALID_ARGUMENT (and parsable garbage with a key is a valid put).
        assertTrue(
            code == Status.Code.INTERNAL
                || code == Status.Code.UNKNOWN
                || code == Status.Code.INVALID_ARGUMENT,
            "garbage gets a clean error, was " + e.getStatus());
      }
    }
    assertArrayEquals(b("v"), client.get(b("k")));
    client.put(b("k2"), b("v2"));
    assertArrayEquals(b("v2"), client.get(b("k2")));
  }

  /** Sends and receives raw bytes, to put malformed protobuf on the wire. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private ManagedChannel channel() {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  private ShaleGrpc.ShaleBlockingStub rawStub() {
    ManagedChannel channel = channel();
    channels.add(channel);
    return ShaleGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private final List<ManagedChannel> channels = new java.util.ArrayList<>();

  @AfterEach
  void closeChannels() {
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
