package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.server.v1.PutRequest;
import dev.shale.lsm.server.v1.ShaleGrpc;
import dev.shale.lsm.server.v1.WriteOptions;
import dev.shale.lsm.server.v1.WriteResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one client can hold of the server's connections and threads (issue 13, findings 4 and 6):
 * bounded call threads, concurrent calls per connection, rapid reset, idle connections, and
 * unauthenticated health streams. Sizes here are small; {@code -Pabuse} runs them at full size.
 */
class ConnectionLimitsTest {
  private static final int SCALE = Integer.getInteger("shale.abuse.scale", 1);

  @TempDir Path dir;

  private static ManagedChannel channel(ShaleServer server) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", server.port(), InsecureChannelCredentials.create())
        .build();
  }

  private static PutRequest put(int i) {
    return PutRequest.newBuilder()
        .setKey(com.google.protobuf.ByteString.copyFromUtf8("k" + i))
        .setValue(com.google.protobuf.ByteString.copyFromUtf8("v" + i))
        .setOptions(
            WriteOptions.newBuilder()
                .setDurability(dev.shale.lsm.server.v1.Durability.DURABILITY_LOCAL))
        .build();
  }

  /** Two thousand synced puts at once on one connection run on a bounded number of threads. */
  @Test
  void manyConcurrentPutsOnOneConnectionRunOnBoundedThreads() throws Exception {
    int calls = 2000 * SCALE;
    try (Db db = Shale.open(dir);
        ShaleServer server = ShaleServer.builder(db).port(0).callThreads(4, 8).start()) {
      ManagedChannel channel = channel(server);
      try {
        ShaleGrpc.ShaleStub stub = ShaleGrpc.newStub(channel);
        List<CompletableFuture<WriteResponse>> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          CompletableFuture<WriteResponse> result = new CompletableFuture<>();
          stub.withDeadlineAfter(120, TimeUnit.SECONDS).put(put(i), observer(result));
          results.add(result);
        }
        int maxThreads = 0;
        for (CompletableFuture<WriteResponse> r : results) {
          maxThreads = Math.max(maxThreads, callThreads());
          r.get(120, TimeUnit.SECONDS);
        }
        assertTrue(maxThreads <= 12, maxThreads + " call threads");
        assertTrue(
            server.serverStats().getCallThreadsPeak() <= 12,
            server.serverStats().getCallThreadsPeak() + " call threads at the peak");
        assertEquals(
            "v" + (calls - 1), new String(db.get(("k" + (calls - 1)).getBytes(UTF_8)), UTF_8));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /**
   * The server's call threads. (Before they were bounded, calls ran on gRPC's default cached pool,
   * which grew to hundreds of threads here; the clients of this JVM still use that pool.)
   */
  private static int callThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("shale-write") || name.startsWith("shale-call")) {
        n++;
      }
    }
    return n;
  }

  /** A connection may run only so many calls at once; the others wait on the client. */
  @Test
  void callsBeyondTheStreamLimitOfAConnectionWait() throws Exception {
    try (Db real = Shale.open(dir);
        GatedDb db = new GatedDb(real);
        ShaleServer server =
            ShaleServer.builder(db).port(0).maxConcurrentCallsPerConnection(10).start()) {
      ManagedChannel channel = channel(server);
      db.close(true);
      try {
        ShaleGrpc.ShaleStub stub = ShaleGrpc.newStub(channel);
        List<CompletableFuture<WriteResponse>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          CompletableFuture<WriteResponse> result = new CompletableFuture<>();
          stub.withDeadlineAfter(60, TimeUnit.SECONDS).put(put(i), observer(result));
          results.add(result);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.waiting() < 10 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        Thread.sleep(300); // more would arrive now if the limit did not hold
        assertEquals(10, db.waiting(), "calls running in the server at once");
        db.open();
        for (CompletableFuture<WriteResponse> r : results) {
          r.get(60, TimeUnit.SECONDS);
        }
        assertEquals(10, db.maxWaiting());
      } finally {
        db.open();
        channel.shutdownNow();
      }
    }
  }

  /**
   * HTTP/2 rapid reset: a connection that starts and cancels calls faster than the limit is closed,
   * and the calls it has in flight end; other connections are served.
   */
  @Test
  void aConnectionThatResetsStreamsTooFastIsClosed() throws Exception {
    try (Db real = Shale.open(dir);
        GatedDb db = new GatedDb(real);
        ShaleServer server =
            ShaleServer.builder(db).port(0).maxRstFramesPerWindow(100, 10).start()) {
      ManagedChannel abuser = channel(server);
      ManagedChannel other = channel(server);
      db.close(true);
      try {
        CompletableFuture<WriteResponse> inFlight = new CompletableFuture<>();
        ShaleGrpc.newStub(abuser)
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .put(put(-1), observer(inFlight));
        while (db.waiting() < 1) {
          Thread.sleep(5);
        }
        for (int i = 0; i < 1000 * SCALE && !inFlight.isDone(); i++) {
          ClientCall<PutRequest, WriteResponse> call =
              abuser.newCall(ShaleGrpc.getPutMethod(), CallOptions.DEFAULT);
          call.start(new ClientCall.Listener<>() {}, new Metadata());
          call.sendMessage(put(i));
          call.cancel("rapid reset", null);
        }
        Throwable ended = inFlight.handle((r, t) -> t).get(30, TimeUnit.SECONDS);
        assertTrue(ended != null, "the abusive connection's call should have been ended");
        assertEquals(
            Status.Code.UNAVAILABLE, Status.fromThrowable(ended).getCode(), ended.toString());
        db.open();
        HealthCheckResponse health =
            HealthGrpc.newBlockingStub(other).check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
      } finally {
        db.open();
        abuser.shutdownNow();
        other.shutdownNow();
      }
    }
  }

  /** A connection that sends the HTTP/2 preface and then nothing is closed. */
  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .maxConnectionIdle(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2))
                .start();
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(UTF_8));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      socket.setSoTimeout(1000);
      InputStream in = socket.getInputStream();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean closed = false;
      byte[] buffer = new byte[4096];
      while (System.nanoTime() < deadline) {
        try {
          if (in.read(buffer) < 0) {
            closed = true;
            break;
          }
        } catch (SocketTimeoutException e) {
          // still open: keep reading
        } catch (java.net.SocketException e) {
          closed = true; // reset
          break;
        }
      }
      assertTrue(closed, "the idle connection should have been closed");
    }
  }

  /** Health calls need no token, so they are capped per client. */
  @Test
  void unauthenticatedHealthWatchesAreCapped() throws Exception {
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .token("a-token-of-some-length")
                .maxHealthStreams(16, 1024)
                .start()) {
      ManagedChannel channel = channel(server);
      try {
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger serving = new AtomicInteger();
        int watches = 50 * SCALE;
        for (int i = 0; i < watches; i++) {
          HealthGrpc.newStub(channel)
              .watch(
                  HealthCheckRequest.getDefaultInstance(),
                  new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) {
                      serving.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                      if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        refused.incrementAndGet();
                      }
                    }

                    @Override
                    public void onCompleted() {}
                  });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (refused.get() + serving.get() < watches && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(16, serving.get(), "watches accepted");
        assertEquals(watches - 16, refused.get(), "watches refused");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
