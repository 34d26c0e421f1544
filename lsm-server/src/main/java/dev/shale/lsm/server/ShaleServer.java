package dev.shale.lsm.server;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.shale.lsm.api.Db;
import dev.shale.lsm.server.protocol.BearerToken;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gRPC server for one Db: the {@code shale.v1.Shale} service, the standard health service
 * ({@code grpc.health.v1.Health}, service name {@value #SERVICE_NAME} and {@code ""}) and server
 * reflection ({@code grpc.reflection.v1}). Start one with {@link #builder(Db)}.
 *
 * <p>Security: without TLS it listens on loopback only, unless {@link Builder#bind} names another
 * address (then it logs a warning). With {@link Builder#tls} it serves TLS, and with {@link
 * Builder#clientCa} it requires client certificates signed by that CA (mutual TLS). With {@link
 * Builder#token} every call but health checks must carry {@code authorization: Bearer TOKEN}.
 *
 * <p>The server does not own the Db: {@link #close()} drains calls and releases the snapshots
 * clients hold, and the caller closes the Db afterwards. Thread-safe.
 */
public final class ShaleServer implements AutoCloseable {
  /** The service name, as health checks and reflection know it. */
  public static final String SERVICE_NAME = "shale.v1.Shale";

  /** The port {@code shale serve} listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 7070;

  private static final Logger LOG = LoggerFactory.getLogger(ShaleServer.class);

  private final Server server;
  private final HealthStatusManager health;
  private final SnapshotLeases snapshots;
  private final ScheduledExecutorService reaper;
  private final Duration drainTimeout;
  private final InetSocketAddress address;
  private final boolean tls;
  private boolean closed;

  private ShaleServer(Builder b) throws IOException {
    InetAddress host = b.bind == null ? InetAddress.getLoopbackAddress() : resolve(b.bind);
    ServerCredentials credentials = null;
    if (b.certChain != null && b.privateKey != null) {
      TlsServerCredentials.Builder creds =
          TlsServerCredentials.newBuilder().keyManager(b.certChain.toFile(), b.privateKey.toFile());
      if (b.clientCa != null) {
        creds.trustManager(b.clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      credentials = creds.build();
    }
    this.tls = credentials != null;
    this.snapshots = new SnapshotLeases(b.db, b.snapshotLease.toNanos(), b.maxSnapshots);
    this.health = new HealthStatusManager();
    this.drainTimeout = b.drainTimeout;
    InetSocketAddress requested = new InetSocketAddress(host, b.port);
    NettyServerBuilder builder =
        credentials == null
            ? NettyServerBuilder.forAddress(requested)
            : NettyServerBuilder.forAddress(requested, credentials);
    ShaleService service = new ShaleService(b.db, snapshots, b.maxKeyBytes, b.maxValueBytes);
    builder
        .maxInboundMessageSize(b.maxMessageBytes)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(service);
    if (b.token != null) {
      builder.intercept(new TokenCheck(b.token));
    }
    this.server = builder.build().start();
    this.address = (InetSocketAddress) server.getListenSockets().get(0);
    health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shale-snapshot-leases");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(100, b.snapshotLease.toMillis() / 4);
    reaper.scheduleAtFixedRate(snapshots::releaseExpired, period, period, TimeUnit.MILLISECONDS);
    logListening(b);
  }

  private void logListening(Builder b) {
    String where = address.getAddress().getHostAddress() + ":" + address.getPort();
    String auth = b.token == null ? "no token" : "bearer token required";
    if (tls) {
      LOG.info(
          "Shale server listening on {} (TLS{}, {})",
          where,
          b.clientCa != null ? " with client certificates" : "",
          auth);
    } else if (address.getAddress().isLoopbackAddress()) {
      LOG.info(
          "Shale server listening on {} (plaintext, {}; loopback only: other hosts need TLS, or"
              + " --bind to accept them without it)",
          where,
          auth);
    } else {
      LOG.warn(
          "Shale server listening on {} WITHOUT TLS ({}): anyone who can reach this address can"
              + " read and write, and traffic is unencrypted",
          where,
          auth);
    }
  }

  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot bind to " + host + ": unknown host", e);
    }
  }

  /** A builder for a server over {@code db}. */
  public static Builder builder(Db db) {
    return new Builder(db);
  }

  /** The address the server listens on (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The port the server listens on. */
  public int port() {
    return address.getPort();
  }

  /** Whether the server speaks TLS. */
  public boolean isTls() {
    return tls;
  }

  /** How many snapshots clients hold now. */
  public int heldSnapshots() {
    return snapshots.size();
  }

  /** Blocks until the server has shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Shuts down gracefully: health turns NOT_SERVING, new calls are refused, calls in flight get up
   * to the drain timeout to finish (then are cancelled), and held snapshots are released. The Db
   * stays open. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("calls still running after {} ms; cancelling them", drainTimeout.toMillis());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      reaper.shutdownNow();
      snapshots.releaseAll();
    }
    LOG.info("Shale server on port {} stopped", address.getPort());
  }

  /** Chooses the address, security and limits, then {@link #start()}s. Not thread-safe. */
  public static final class Builder {
    private final Db db;
    private @Nullable String bind;
    private int port = DEFAULT_PORT;
    private @Nullable Path certChain;
    private @Nullable Path privateKey;
    private @Nullable Path clientCa;
    private @Nullable String token;
    private int maxMessageBytes = 32 << 20;
    private int maxKeyBytes = 64 << 10;
    private int maxValueBytes = 16 << 20;
    private Duration snapshotLease = Duration.ofMinutes(1);
    private int maxSnapshots = 10_000;
    private Duration drainTimeout = Duration.ofSeconds(30);

    private Builder(Db db) {
      this.db = Objects.requireNonNull(db, "db");
    }

    /** The address to listen on (default: loopback). Name a non-loopback one to serve others. */
    @CanIgnoreReturnValue
    public Builder bind(@Nullable String address) {
      this.bind = address;
      return this;
    }

    /** The port (default {@value #DEFAULT_PORT}; 0 picks a free one). */
    @CanIgnoreReturnValue
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Serve TLS with this certificate chain and PKCS#8 private key, both PEM files. */
    @CanIgnoreReturnValue
    public Builder tls(Path certChain, Path privateKey) {
      this.certChain = Objects.requireNonNull(certChain, "certChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * Require client certificates signed by a CA in this PEM file (mutual TLS; needs {@link #tls}).
     */
    @CanIgnoreReturnValue
    public Builder clientCa(@Nullable Path caCertificates) {
      this.clientCa = caCertificates;
      return this;
    }

    /** Require {@code authorization: Bearer token} on every call but health checks. */
    @CanIgnoreReturnValue
    public Builder token(@Nullable String token) {
      this.token = token == null ? null : BearerToken.validate(token, "the server options");
      return this;
    }

    /**
     * The largest request message accepted (default 32 MiB); larger ones fail with
     * RESOURCE_EXHAUSTED.
     */
    @CanIgnoreReturnValue
    public Builder maxMessageBytes(int bytes) {
      this.maxMessageBytes = positive("maxMessageBytes", bytes);
      return this;
    }

    /** The largest key accepted (default 64 KiB); larger ones fail with INVALID_ARGUMENT. */
    @CanIgnoreReturnValue
    public Builder maxKeyBytes(int bytes) {
      this.maxKeyBytes = positive("maxKeyBytes", bytes);
      return this;
    }

    /** The largest value accepted (default 16 MiB); larger ones fail with INVALID_ARGUMENT. */
    @CanIgnoreReturnValue
    public Builder maxValueBytes(int bytes) {
      this.maxValueBytes = positive("maxValueBytes", bytes);
      return this;
    }

    /** How long an unused snapshot is kept before it is released (default 1 minute). */
    @CanIgnoreReturnValue
    public Builder snapshotLease(Duration lease) {
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("snapshotLease must be positive, was " + lease);
      }
      this.snapshotLease = lease;
      return this;
    }

    /** How many snapshots clients may hold at once (default 10,000). */
    @CanIgnoreReturnValue
    public Builder maxSnapshots(int count) {
      this.maxSnapshots = positive("maxSnapshots", count);
      return this;
    }

    /** How long {@link ShaleServer#close()} lets calls in flight finish (default 30 s). */
    @CanIgnoreReturnValue
    public Builder drainTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative, was " + timeout);
      }
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalArgumentException for a client CA without TLS, or an unknown bind host
     * @throws UncheckedIOException when the port cannot be bound or a certificate file cannot be
     *     read
     */
    public ShaleServer start() {
      if (clientCa != null && certChain == null) {
        throw new IllegalArgumentException("a client CA (mutual TLS) needs a server certificate");
      }
      try {
        return new ShaleServer(this);
      } catch (IOException e) {
        String where = (bind == null ? "loopback" : bind) + ":" + port;
        throw new UncheckedIOException("cannot serve on " + where + ": " + e.getMessage(), e);
      }
    }

    private static int positive(String what, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
