package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.client.RemoteTransaction;
import dev.shale.lsm.client.ServerBusyException;
import dev.shale.lsm.client.ShaleClient;
import dev.shale.lsm.server.protocol.ErrorCodes;
import dev.shale.lsm.server.v1.Expectation;
import dev.shale.lsm.server.v1.Operation;
import dev.shale.lsm.server.v1.ShaleGrpc;
import dev.shale.lsm.server.v1.WriteRequest;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission control (issue 13, findings 1, 8 and 13): requests acquire their memory before they are
 * parsed, over-long writes and conditional writes are refused before parsing, and bad bytes get
 * INVALID_ARGUMENT instead of UNKNOWN. The full-size finding (one Write of a million tiny
 * operations against a 256 MiB server) runs in a child JVM.
 */
class AdmissionTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void requestsBeyondTheMemoryBudgetAreRefusedWithARetryHintAndTheOthersComplete()
      throws Exception {
    long budget = 4 << 20;
    try (Db real = Shale.open(dir);
        GatedDb db = new GatedDb(real);
        ShaleServer server = ShaleServer.builder(db).port(0).memoryBudget(budget).start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      db.close(true); // writes wait in the server, holding their memory
      byte[] value = new byte[100 << 10];
      int calls = 40;
      ExecutorService threads = Executors.newFixedThreadPool(calls);
      AtomicInteger busy = new AtomicInteger();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      try {
        for (int i = 0; i < calls; i++) {
          byte[] key = b("k" + i);
          done.add(
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      client.put(key, value);
                    } catch (ServerBusyException e) {
                      assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
                      assertTrue(e.retryAfter().toMillis() > 0, "a retry hint");
                      busy.incrementAndGet();
                    }
                  },
                  threads));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (db.waiting() + busy.get() < calls && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        int admitted = db.waiting();
        assertTrue(busy.get() > 0, "some writes must be refused: " + admitted + " admitted");
        assertTrue(admitted > 0, "some writes must be admitted");
        // Each 100 KiB put is charged about three times its bytes.
        assertTrue(
            admitted * 3L * value.length <= budget,
            admitted + " writes of 100 KiB in flight do not fit a 4 MiB budget");
        assertTrue(server.serverStats().getMemoryPeakBytes() <= budget);
        db.open();
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]))
            .get(60, TimeUnit.SECONDS);
      } finally {
        db.open();
        threads.shutdownNow();
      }
      assertEquals(0, server.serverStats().getMemoryInFlightBytes(), "everything released");
      client.put(b("after"), value); // the budget is free again
      assertArrayEquals(value, client.get(b("after")));
    }
  }

  @Test
  void aWriteWithTooManyOperationsIsRefusedBeforeItIsParsed() {
    try (Db db = Shale.open(dir);
        ShaleServer server = ShaleServer.builder(db).port(0).maxWriteOperations(1000).start();
        ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
      WriteBatch big = new WriteBatch();
      for (int i = 0; i < 5000; i++) {
        big.put(b("k" + i), b("v"));
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> client.write(big));
      assertTrue(e.getMessage().contains("5000 operations"), e.getMessage());
      assertTrue(e.getMessage().contains("split"), e.getMessage());
      WriteBatch fits = new WriteBatch();
      for (int i = 0; i < 1000; i++) {
        fits.put(b("k" + i), b("v"));
      }
      client.write(fits);
      assertArrayEquals(b("v"), db.get(b("k999")));
    }
  }

  @Test
  void aConditionalWriteWithTooManyExpectationsIsRefused() {
    try (Db db = Shale.open(dir);
        ShaleServer server = ShaleServer.builder(db).port(0).maxExpectations(100).start()) {
      ManagedChannel channel = channel(server);
      try {
        WriteRequest.Builder request =
            WriteRequest.newBuilder()
                .addOperations(
                    Operation.newBuilder()
                        .setPut(
                            Operation.Put.newBuilder()
                                .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                                .setValue(com.google.protobuf.ByteString.copyFromUtf8("v"))));
        for (int i = 0; i < 101; i++) {
          request.addExpectations(
              Expectation.newBuilder()
                  .setKey(com.google.protobuf.ByteString.copyFromUtf8("e" + i))
                  .setPresent(false));
        }
        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () -> ShaleGrpc.newBlockingStub(channel).write(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("101 expectations"), e.toString());
        request.removeExpectations(100);
        ShaleGrpc.newBlockingStub(channel).write(request.build());
        assertArrayEquals(b("v"), db.get(b("k")));
      } finally {
        channel.shutdownNow();
      }
      // Transactions through the client still conflict as before.
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build();
          RemoteTransaction txn = client.beginTransaction()) {
        txn.get(b("k"));
        txn.put(b("k"), b("mine"));
        client.put(b("k"), b("theirs"));
        assertThrows(TransactionConflictException.class, txn::commit);
      }
    }
  }

  @Test
  void bytesThatAreNotProtobufGetInvalidArgumentNotUnknown() {
    try (Db db = Shale.open(dir);
        ShaleServer server = ShaleServer.builder(db).port(0).start()) {
      ManagedChannel channel = channel(server);
      try {
        MethodDescriptor<byte[], byte[]> raw =
            ShaleGrpc.getPutMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
        byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x12};
        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, junk));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("not a valid"), e.toString());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void anOutOfMemoryErrorMapsToResourceExhausted() {
    StatusRuntimeException s = ErrorCodes.toStatus(new OutOfMemoryError("Java heap space"));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getStatus().getCode());
    Metadata trailers = s.getTrailers();
    assertNotNull(trailers);
    assertNotNull(trailers.get(ErrorCodes.RETRY_PUSHBACK));
    assertInstanceOf(ServerBusyException.class, ErrorCodes.toException(s));
  }

  /**
   * The finding at full size: one Write of a million tiny operations (16.6 MB) against a server at
   * -Xmx256m is refused before parsing (INVALID_ARGUMENT for its operation count or
   * RESOURCE_EXHAUSTED for its size, never UNKNOWN after an OutOfMemoryError), and the server goes
   * on serving.
   */
  @Test
  void aMillionTinyOperationsDoNotRunA256MiBServerOutOfMemory() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir.resolve("db"), "-Xmx256m")) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .maxInboundMessageSize(64 << 20)
              .build();
      try {
        WriteRequest.Builder request = WriteRequest.newBuilder();
        for (int i = 0; i < 1_000_000; i++) {
          request.addOperations(
              Operation.newBuilder()
                  .setPut(
                      Operation.Put.newBuilder()
                          .setKey(com.google.protobuf.ByteString.copyFromUtf8(Integer.toString(i)))
                          .setValue(com.google.protobuf.ByteString.copyFromUtf8("v"))));
        }
        WriteRequest write = request.build();
        assertTrue(write.getSerializedSize() > 10 << 20, "a large message");
        StatusRuntimeException e =
            assertThrows(
                StatusRuntimeException.class,
                () ->
                    ShaleGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .withMaxOutboundMessageSize(64 << 20)
                        .write(write));
        Status.Code code = e.getStatus().getCode();
        assertTrue(
            code == Status.Code.INVALID_ARGUMENT || code == Status.Code.RESOURCE_EXHAUSTED,
            e.toString());
      } finally {
        channel.shutdownNow();
      }
      assertTrue(server.isAlive());
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", server.port()).build()) {
        client.put(b("still"), b("serving"));
        assertArrayEquals(b("serving"), client.get(b("still")));
      }
    }
  }

  private static ManagedChannel channel(ShaleServer server) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  /** Sends and receives bytes as they are. */
  enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
