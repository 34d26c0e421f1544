package dev.shale.lsm.client;

import com.google.common.collect.AbstractIterator;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.protobuf.ByteString;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.server.protocol.BearerToken;
import dev.shale.lsm.server.protocol.ErrorCodes;
import dev.shale.lsm.server.protocol.RequestSize;
import dev.shale.lsm.server.protocol.StatsMessages;
import dev.shale.lsm.server.v1.CreateSnapshotRequest;
import dev.shale.lsm.server.v1.CreateSnapshotResponse;
import dev.shale.lsm.server.v1.DeleteRequest;
import dev.shale.lsm.server.v1.Expectation;
import dev.shale.lsm.server.v1.GetRequest;
import dev.shale.lsm.server.v1.GetResponse;
import dev.shale.lsm.server.v1.Operation;
import dev.shale.lsm.server.v1.PutRequest;
import dev.shale.lsm.server.v1.ReleaseSnapshotRequest;
import dev.shale.lsm.server.v1.ScanRequest;
import dev.shale.lsm.server.v1.ScanResponse;
import dev.shale.lsm.server.v1.ShaleGrpc;
import dev.shale.lsm.server.v1.StatsRequest;
import dev.shale.lsm.server.v1.StatsResponse;
import dev.shale.lsm.server.v1.WriteRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A client of a Shale server, shaped like {@link dev.shale.lsm.api.Db} where that makes sense:
 * {@code put}, {@code delete}, {@code write}, {@code get}, {@code scan}, snapshots, and optimistic
 * transactions ({@link #beginTransaction()}). Connect with {@link #builder(String, int)}.
 *
 * <p>Failures come back as the exceptions the Db would have thrown: {@link
 * IllegalArgumentException} for a bad argument, {@link dev.shale.lsm.api.CorruptionException},
 * {@link dev.shale.lsm.api.FencedException}, {@link dev.shale.lsm.api.WriteStallException}, {@link
 * dev.shale.lsm.api.TransactionConflictException}, {@link IllegalStateException} when the server's
 * Db is closed, {@link ServerBusyException} when the server is at one of its limits (retry after
 * the time it says); anything else the transport reports (server unreachable, deadline passed,
 * wrong token) is a {@link dev.shale.lsm.api.ShaleException} whose cause is the gRPC status. A
 * write that failed in transport may or may not have been applied.
 *
 * <p>Thread-safe: share one client between threads (it holds one HTTP/2 connection, multiplexed).
 * Arrays are copied in and out. Close it to release the connection.
 */
public final class ShaleClient implements AutoCloseable {
  private final ManagedChannel channel;

  private final ShaleGrpc.ShaleBlockingStub stub;
  private final Duration deadline;
  private final @Nullable Duration scanDeadline;

  private ShaleClient(Builder b) {
    ChannelCredentials credentials;
    if (b.trustedCa != null || b.tls) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      try {
        if (b.trustedCa != null) {
          tls.trustManager(b.trustedCa.toFile());
        }
        if (b.clientCertificate != null && b.clientKey != null) {
          tls.keyManager(b.clientCertificate.toFile(), b.clientKey.toFile());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    var builder =
        Grpc.newChannelBuilderForAddress(b.host, b.port, credentials)
            .maxInboundMessageSize(b.maxMessageBytes);
    if (b.token != null) {
      builder.intercept(new TokenHeader(b.token));
    }
    this.channel = builder.build();
    this.stub = ShaleGrpc.newBlockingStub(channel).withMaxOutboundMessageSize(b.maxMessageBytes);
    this.deadline = b.deadline;
    this.scanDeadline = b.scanDeadline;
  }

  /** A builder for a client of the server at {@code host:port}. */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /**
   * A builder for a client of {@code target}, written {@code HOST:PORT} ({@code [::1]:7070} for an
   * IPv6 address).
   *
   * @throws IllegalArgumentException when {@code target} is not of that form
   */
  public static Builder builder(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("server must be HOST:PORT, was '" + target + "'");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("server must be HOST:PORT, was '" + target + "'", e);
    }
    return new Builder(host, port);
  }

  private ShaleGrpc.ShaleBlockingStub unary() {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A stub for a write request of {@code bytes}, which it declares (see {@link RequestSize}): a
   * server that cannot take a large write now says so before its bytes are sent, and lets a small
   * one through even while this connection waits out a retry hint for a large one.
   */
  private ShaleGrpc.ShaleBlockingStub sized(int bytes) {
    return unary()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(RequestSize.declaring(bytes)));
  }

  /** Sets {@code key} to {@code value} with the server's default durability. */
  public void put(byte[] key, byte[] value) {
    put(key, value, WriteOptions.DEFAULT);
  }

  /** Sets {@code key} to {@code value} with the given options. */
  public void put(byte[] key, byte[] value, WriteOptions options) {
    PutRequest request =
        PutRequest.newBuilder()
            .setKey(ByteString.copyFrom(key))
            .setValue(ByteString.copyFrom(value))
            .setOptions(wire(options))
            .build();
    call(() -> sized(request.getSerializedSize()).put(request));
  }

  /** Deletes {@code key} with the server's default durability. */
  public void delete(byte[] key) {
    delete(key, WriteOptions.DEFAULT);
  }

  /** Deletes {@code key} with the given options. */
  public void delete(byte[] key, WriteOptions options) {
    DeleteRequest request =
        DeleteRequest.newBuilder()
            .setKey(ByteString.copyFrom(key))
            .setOptions(wire(options))
            .build();
    call(() -> unary().delete(request));
  }

  /** Applies {@code batch} atomically with the server's default durability. */
  public void write(WriteBatch batch) {
    write(batch, WriteOptions.DEFAULT);
  }

  /** Applies {@code batch} atomically. An empty batch is a no-op. */
  public void write(WriteBatch batch, WriteOptions options) {
    WriteRequest.Builder request = WriteRequest.newBuilder().setOptions(wire(options));
    addOperations(batch, request);
    WriteRequest built = request.build();
    call(() -> sized(built.getSerializedSize()).write(built));
  }

  /** Writes {@code batch} only if every expectation holds; used by {@link RemoteTransaction}. */
  void writeIf(WriteBatch batch, Collection<Expectation> expectations, WriteOptions options) {
    WriteRequest.Builder request =
        WriteRequest.newBuilder().setOptions(wire(options)).addAllExpectations(expectations);
    addOperations(batch, request);
    WriteRequest built = request.build();
    call(() -> sized(built.getSerializedSize()).write(built));
  }

  private static void addOperations(WriteBatch batch, WriteRequest.Builder request) {
    batch.forEach(
        (index, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) -> {
          ByteString key = ByteString.copyFrom(buffer, keyOffset, keyLength);
          Operation.Builder op = Operation.newBuilder();
          switch (kind) {
            case PUT ->
                op.setPut(
                    Operation.Put.newBuilder()
                        .setKey(key)
                        .setValue(ByteString.copyFrom(buffer, valueOffset, valueLength)));
            case DELETE -> op.setDelete(Operation.Delete.newBuilder().setKey(key));
          }
          request.addOperations(op);
        });
  }

  /** The latest value of {@code key}, or null when absent. */
  public byte @Nullable [] get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  /** The value of {@code key} as {@code options} sees it (only its snapshot matters), or null. */
  public byte @Nullable [] get(byte[] key, ReadOptions options) {
    GetRequest request =
        GetRequest.newBuilder()
            .setKey(ByteString.copyFrom(key))
            .setSnapshotId(snapshotId(options.snapshot()))
            .build();
    GetResponse response = call(() -> unary().get(request));
    return response.getFound() ? response.getValue().toByteArray() : null;
  }

  /**
   * The live entries as {@code options} sees them (snapshot, bounds, prefix), in key order, fetched
   * lazily in chunks. Close the stream (try-with-resources) to cancel the scan on the server.
   */
  public Stream<KeyValue> scan(ReadOptions options) {
    return scan(options, 0);
  }

  /** Like {@link #scan(ReadOptions)}, with at most {@code limit} entries (0: no limit). */
  public Stream<KeyValue> scan(ReadOptions options, long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    ScanRequest.Builder request =
        ScanRequest.newBuilder().setLimit(limit).setSnapshotId(snapshotId(options.snapshot()));
    byte[] lower = options.lowerBound();
    byte[] upper = options.upperBound();
    byte[] prefix = options.prefix();
    if (lower != null) {
      request.setLowerBound(ByteString.copyFrom(lower));
    }
    if (upper != null) {
      request.setUpperBound(ByteString.copyFrom(upper));
    }
    if (prefix != null) {
      request.setPrefix(ByteString.copyFrom(prefix));
    }
    ScanRequest built = request.build();
    Context.CancellableContext context = Context.current().withCancellation();
    ShaleGrpc.ShaleBlockingStub scanStub =
        scanDeadline == null
            ? stub
            : stub.withDeadlineAfter(scanDeadline.toMillis(), TimeUnit.MILLISECONDS);
    Iterator<ScanResponse> chunks;
    try {
      chunks = context.call(() -> scanStub.scan(built));
    } catch (StatusRuntimeException e) {
      context.cancel(null);
      throw ErrorCodes.toException(e);
    } catch (Exception e) {
      context.cancel(null);
      throw new IllegalStateException("scan failed to start", e);
    }
    Iterator<KeyValue> entries =
        new AbstractIterator<>() {
          private Iterator<dev.shale.lsm.server.v1.KeyValue> chunk =
              java.util.Collections.emptyIterator();

          @Override
          protected @Nullable KeyValue computeNext() {
            try {
              while (!chunk.hasNext()) {
                if (!chunks.hasNext()) {
                  return endOfData();
                }
                chunk = chunks.next().getEntriesList().iterator();
              }
            } catch (StatusRuntimeException e) {
              context.cancel(null);
              throw ErrorCodes.toException(e);
            }
            dev.shale.lsm.server.v1.KeyValue kv = chunk.next();
            return new KeyValue(kv.getKey().toByteArray(), kv.getValue().toByteArray());
          }
        };
    Spliterator<KeyValue> spliterator =
        Spliterators.spliteratorUnknownSize(
            entries, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT);
    return StreamSupport.stream(spliterator, false).onClose(() -> context.cancel(null));
  }

  /**
   * A snapshot of the server's current state, usable in {@link ReadOptions#withSnapshot} for this
   * client's {@code get} and {@code scan}. The server holds it for a lease that every use renews
   * (one minute by default) and releases it when unused for longer; close it when done.
   */
  public Snapshot snapshot() {
    CreateSnapshotResponse response =
        call(() -> unary().createSnapshot(CreateSnapshotRequest.getDefaultInstance()));
    return new RemoteSnapshot(this, response.getSnapshotId(), response.getSequence());
  }

  void releaseSnapshot(long id) {
    ReleaseSnapshotRequest request = ReleaseSnapshotRequest.newBuilder().setSnapshotId(id).build();
    call(() -> unary().releaseSnapshot(request));
  }

  /**
   * The server's report: the Db's stats (since open and over its lifetime, and its recovery state)
   * and the server's own (health, memory for requests in flight, scans, snapshots, threads).
   */
  public ServerReport stats() {
    StatsResponse response = call(() -> unary().stats(StatsRequest.getDefaultInstance()));
    return new ServerReport(StatsMessages.fromProto(response.getDb()), response.getServer());
  }

  /**
   * Starts an optimistic transaction: reads see a snapshot taken now plus the transaction's own
   * writes; the commit applies its writes atomically only if every key it read still holds what it
   * read. Durability is the server's default.
   */
  public RemoteTransaction beginTransaction() {
    return beginTransaction(WriteOptions.DEFAULT);
  }

  /** Starts an optimistic transaction whose commit is written with {@code options}. */
  public RemoteTransaction beginTransaction(WriteOptions options) {
    return new RemoteTransaction(this, snapshot(), options);
  }

  private long snapshotId(@Nullable Snapshot snapshot) {
    if (snapshot == null) {
      return 0;
    }
    if (snapshot instanceof RemoteSnapshot remote && remote.client() == this) {
      return remote.id();
    }
    throw new IllegalArgumentException(
        "the snapshot is not one of this client's: take it with ShaleClient.snapshot()");
  }

  /** Closes the connection, cancelling calls in flight. Idempotent. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private interface Call<R> {
    R run();
  }

  private static <R> R call(Call<R> call) {
    try {
      return call.run();
    } catch (StatusRuntimeException e) {
      throw ErrorCodes.toException(e);
    }
  }

  private static dev.shale.lsm.server.v1.WriteOptions wire(WriteOptions options) {
    Durability durability = options.durability();
    dev.shale.lsm.server.v1.Durability wire =
        durability == null
            ? dev.shale.lsm.server.v1.Durability.DURABILITY_DEFAULT
            : switch (durability) {
              case MEMORY -> dev.shale.lsm.server.v1.Durability.DURABILITY_MEMORY;
              case LOCAL -> dev.shale.lsm.server.v1.Durability.DURABILITY_LOCAL;
              case REMOTE -> dev.shale.lsm.server.v1.Durability.DURABILITY_REMOTE;
            };
    return dev.shale.lsm.server.v1.WriteOptions.newBuilder()
        .setDurability(wire)
        .setNoSlowdown(options.noSlowdown())
        .build();
  }

  /** Adds the bearer token to every call. */
  private static final class TokenHeader implements ClientInterceptor {
    private final String header;

    TokenHeader(String token) {
      this.header = BearerToken.SCHEME + token;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(BearerToken.AUTHORIZATION, header);
          super.start(listener, headers);
        }
      };
    }
  }

  /** Chooses security, limits and deadlines, then {@link #build()}s. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private boolean tls;
    private @Nullable Path trustedCa;
    private @Nullable Path clientCertificate;
    private @Nullable Path clientKey;
    private @Nullable String token;
    private Duration deadline = Duration.ofSeconds(30);
    private @Nullable Duration scanDeadline;
    private int maxMessageBytes = 32 << 20;

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      this.port = port;
    }

    /** Speak TLS, trusting the system's CAs. */
    @CanIgnoreReturnValue
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** Speak TLS, trusting the CA certificates in this PEM file (e.g. the server's own). */
    @CanIgnoreReturnValue
    public Builder tls(@Nullable Path trustedCaPem) {
      this.tls = true;
      this.trustedCa = trustedCaPem;
      return this;
    }

    /** Present this certificate chain and PKCS#8 key (PEM) to a server that asks (mutual TLS). */
    @CanIgnoreReturnValue
    public Builder clientCertificate(Path certChain, Path privateKey) {
      this.tls = true;
      this.clientCertificate = certChain;
      this.clientKey = privateKey;
      return this;
    }

    /** Send this bearer token with every call. */
    @CanIgnoreReturnValue
    public Builder token(@Nullable String token) {
      this.token = token == null ? null : BearerToken.validate(token, "the client options");
      return this;
    }

    /** The deadline of each call but scans (default 30 s). */
    @CanIgnoreReturnValue
    public Builder deadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive, was " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /** The deadline of a whole scan (default none: a scan runs as long as it is read). */
    @CanIgnoreReturnValue
    public Builder scanDeadline(@Nullable Duration deadline) {
      this.scanDeadline = deadline;
      return this;
    }

    /** The largest message sent or received (default 32 MiB, as the server's default). */
    @CanIgnoreReturnValue
    public Builder maxMessageBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMessageBytes must be positive, was " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /** Creates the client; it connects on first use. */
    public ShaleClient build() {
      return new ShaleClient(this);
    }
  }
}
