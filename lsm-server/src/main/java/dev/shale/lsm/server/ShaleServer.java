package dev.shale.lsm.server;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.shale.lsm.api.Db;
import dev.shale.lsm.server.v1.ServerStats;
import dev.shale.lsm.server.v1.ShaleGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gRPC server for one Db: the {@code shale.v1.Shale} service, the standard health service
 * ({@code grpc.health.v1.Health}) and server reflection ({@code grpc.reflection.v1}). Start one
 * with {@link #builder(Db)}.
 *
 * <p>Health follows the Db: {@value #READ_HEALTH} is SERVING while the Db serves reads, {@value
 * #WRITE_HEALTH} while it also accepts writes (NOT_SERVING when read-only after a background error,
 * fenced by another primary, or a replica; the Stats call says why), and {@value #SERVICE_NAME} and
 * {@code ""} while both are. Everything turns NOT_SERVING when the server closes.
 *
 * <p>Security: without TLS it listens on loopback only; a non-loopback {@link Builder#bind address}
 * without TLS is refused unless {@link Builder#insecure} says so. With {@link Builder#tls} it
 * serves TLS (the key is checked against the certificate at start), and with {@link
 * Builder#clientCa} it requires client certificates signed by that CA (mutual TLS), whose subject
 * is the caller's identity. With {@link Builder#token} (or a token file, reread when it changes)
 * every call but health checks must carry {@code authorization: Bearer TOKEN}; a {@link
 * Builder#readOnlyToken read-only token} allows everything but Put, Delete and Write.
 *
 * <p>Limits (each a builder option; README explains the defaults): memory for requests in flight
 * (refused with RESOURCE_EXHAUSTED and a retry hint when spent), message, key and value sizes,
 * operations per Write, expectations per conditional Write, concurrent calls per connection, call
 * threads (bounded pools, one for writes and one for everything else, so writers stalled by the Db
 * do not hold up reads), open scans and snapshots per client and in total, health streams per
 * client and in total, idle scans, idle and old connections, RST_STREAM frames per connection,
 * keepalive pings.
 *
 * <p>The server does not own the Db: {@link #close()} drains calls and releases the snapshots
 * clients hold, and the caller closes the Db afterwards. Thread-safe.
 */
public final class ShaleServer implements AutoCloseable {
  /** The service name, as health checks and reflection know it. */
  public static final String SERVICE_NAME = "shale.v1.Shale";

  /** The health service name for reads: SERVING while the Db serves reads. */
  public static final String READ_HEALTH = "shale.v1.Shale.Read";

  /** The health service name for writes: SERVING while the Db also accepts writes. */
  public static final String WRITE_HEALTH = "shale.v1.Shale.Write";

  /** The port {@code shale serve} listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 7070;

  private static final Logger LOG = LoggerFactory.getLogger(ShaleServer.class);
  private static final Set<String> WRITE_METHODS =
      Set.of(
          ShaleGrpc.getPutMethod().getFullMethodName(),
          ShaleGrpc.getDeleteMethod().getFullMethodName(),
          ShaleGrpc.getWriteMethod().getFullMethodName());

  private final Server server;
  private final DbHealth health;
  private final SnapshotLeases snapshots;
  private final ShaleService service;
  private final MemoryBudget budget;
  private final RequestAdmission admission;
  private final ClientQuotas scans;
  private final ClientQuotas healthStreams;
  private final ThreadPoolExecutor readThreads;
  private final ThreadPoolExecutor writeThreads;
  private final ScheduledExecutorService scheduler;
  private final Duration drainTimeout;
  private final InetSocketAddress address;
  private final boolean tls;
  private final long startNanos = System.nanoTime();
  private final Limits limits;
  private boolean closed;

  /** The limits a server runs with, as resolved at start (defaults filled in). */
  public record Limits(
      long memoryBudgetBytes,
      int maxMessageBytes,
      int maxKeyBytes,
      int maxValueBytes,
      int maxWriteOperations,
      int maxExpectations,
      int maxConcurrentCallsPerConnection,
      int readThreads,
      int writeThreads,
      int maxScansPerClient,
      int maxScans,
      Duration scanIdleTimeout,
      int maxSnapshotsPerClient,
      int maxSnapshots,
      int maxHealthStreamsPerClient,
      int maxHealthStreams) {}

  private ShaleServer(Builder b, Limits limits) throws IOException {
    GrpcLogging.install();
    this.limits = limits;
    InetAddress host = b.bind == null ? InetAddress.getLoopbackAddress() : resolve(b.bind);
    ServerCredentials credentials = null;
    if (b.certChain != null && b.privateKey != null) {
      TlsFiles.checkPair(b.certChain, b.privateKey);
      TlsServerCredentials.Builder creds =
          TlsServerCredentials.newBuilder().keyManager(b.certChain.toFile(), b.privateKey.toFile());
      if (b.clientCa != null) {
        creds.trustManager(b.clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      credentials = creds.build();
    }
    this.tls = credentials != null;
    if (!tls && !host.isLoopbackAddress() && !b.insecure) {
      throw new IllegalArgumentException(
          "refusing to serve "
              + host.getHostAddress()
              + " without TLS: anyone who can reach it could read and write, unencrypted. Give a"
              + " certificate (--tls-cert/--tls-key), or pass --insecure (Builder.insecure) to"
              + " accept that");
    }
    TokenSource readWrite = b.tokenSource(b.token, b.tokenFile, "read-write");
    TokenSource readOnly = b.tokenSource(b.readOnlyToken, b.readOnlyTokenFile, "read-only");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shale-server-upkeep");
              t.setDaemon(true);
              return t;
            });
    this.budget = new MemoryBudget(limits.memoryBudgetBytes());
    this.admission =
        new RequestAdmission(
            budget,
            LargeWriteLane.forDb(b.db, ShaleServer::heapAfterLastGc),
            limits.maxWriteOperations(),
            limits.maxExpectations());
    this.snapshots =
        new SnapshotLeases(
            b.db, b.snapshotLease.toNanos(), limits.maxSnapshotsPerClient(), limits.maxSnapshots());
    this.scans = new ClientQuotas(limits.maxScansPerClient(), limits.maxScans());
    this.healthStreams =
        new ClientQuotas(limits.maxHealthStreamsPerClient(), limits.maxHealthStreams());
    HealthStatusManager healthManager = new HealthStatusManager();
    this.health = new DbHealth(b.db, healthManager, scheduler, b.healthPeriod.toMillis());
    this.drainTimeout = b.drainTimeout;
    this.service =
        new ShaleService(
            b.db,
            snapshots,
            limits.maxKeyBytes(),
            limits.maxValueBytes(),
            scans,
            limits.scanIdleTimeout(),
            health,
            this::serverStats,
            budget);
    this.readThreads = pool("shale-call", limits.readThreads());
    this.writeThreads = pool("shale-write", limits.writeThreads());
    InetSocketAddress requested = new InetSocketAddress(host, b.port);
    NettyServerBuilder builder =
        credentials == null
            ? NettyServerBuilder.forAddress(requested)
            : NettyServerBuilder.forAddress(requested, credentials);
    builder
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxInboundMetadataSize(16 << 10)
        .maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection())
        .maxRstFramesPerWindow(b.maxRstFrames, b.rstWindowSeconds)
        .keepAliveTime(b.keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .permitKeepAliveTime(b.permitKeepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false)
        .maxConnectionIdle(b.maxConnectionIdle.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAge(b.maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAgeGrace(b.maxConnectionAgeGrace.toMillis(), TimeUnit.MILLISECONDS)
        .handshakeTimeout(b.handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .executor(readThreads)
        .callExecutor(new CallExecutors(writeThreads))
        .addService(healthManager.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(admission.wrap(service.bindService()))
        .intercept(new Authorization(readWrite, readOnly, healthStreams));
    try {
      this.server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      shutdownPools();
      throw e;
    }
    this.address = (InetSocketAddress) server.getListenSockets().get(0);
    long period = Math.max(100, b.snapshotLease.toMillis() / 4);
    scheduler.scheduleAtFixedRate(snapshots::releaseExpired, period, period, TimeUnit.MILLISECONDS);
    long scanCheck = Math.max(100, limits.scanIdleTimeout().toMillis() / 4);
    scheduler.scheduleAtFixedRate(
        service::closeIdleScans, scanCheck, scanCheck, TimeUnit.MILLISECONDS);
    if (readWrite != null || readOnly != null) {
      scheduler.scheduleWithFixedDelay(
          () -> {
            if (readWrite != null) {
              readWrite.reloadIfChanged();
            }
            if (readOnly != null) {
              readOnly.reloadIfChanged();
            }
          },
          b.tokenReloadPeriod.toMillis(),
          b.tokenReloadPeriod.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    logListening(b, readWrite != null || readOnly != null);
  }

  /** Puts Put, Delete and Write on the write pool; everything else on the default (read) pool. */
  private static final class CallExecutors implements ServerCallExecutorSupplier {
    private final Executor writes;

    CallExecutors(Executor writes) {
      this.writes = writes;
    }

    @Override
    public <Q, R> @Nullable Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
      return WRITE_METHODS.contains(call.getMethodDescriptor().getFullMethodName()) ? writes : null;
    }
  }

  /**
   * A fixed pool with a queue: it never rejects (gRPC cannot answer a rejected call cleanly), and
   * the queue is bounded in practice by the calls per connection and the memory budget.
   */
  private static ThreadPoolExecutor pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private void logListening(Builder b, boolean tokens) {
    String where = address.getAddress().getHostAddress() + ":" + address.getPort();
    String auth =
        tokens
            ? "bearer token required" + (b.hasReadOnlyToken() ? " (read-write or read-only)" : "")
            : "no token";
    if (tls) {
      LOG.info(
          "Shale server listening on {} (TLS{}, {}); limits: {}",
          where,
          b.clientCa != null ? " with client certificates" : "",
          auth,
          limits);
      if (!tokens && b.clientCa == null && !address.getAddress().isLoopbackAddress()) {
        LOG.warn(
            "Shale server on {} has TLS but NO CLIENT AUTHENTICATION: anyone who can reach it can"
                + " read and write. Give a token (--token-file or SHALE_TOKEN) or a client CA"
                + " (--tls-client-ca)",
            where);
      }
    } else if (address.getAddress().isLoopbackAddress()) {
      LOG.info(
          "Shale server listening on {} (plaintext, {}; loopback only: other hosts need TLS);"
              + " limits: {}",
          where,
          auth,
          limits);
    } else {
      LOG.warn(
          "Shale server listening on {} WITHOUT TLS ({}, --insecure): anyone who can reach this"
              + " address can read and write, and traffic is unencrypted",
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

  /** The limits in force (defaults resolved). */
  public Limits limits() {
    return limits;
  }

  /** How many snapshots clients hold now. */
  public int heldSnapshots() {
    return snapshots.size();
  }

  /** The server's own figures, as the Stats call reports them. */
  public ServerStats serverStats() {
    DbHealth.State state = health.state();
    return ServerStats.newBuilder()
        .setUptimeMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos))
        .setReadHealth(DbHealth.name(state.reads()))
        .setWriteHealth(DbHealth.name(state.writes()))
        .setNotServingReason(state.reason())
        .setMemoryBudgetBytes(budget.limit())
        .setMemoryInFlightBytes(budget.used())
        .setMemoryPeakBytes(budget.peak())
        .setRejectedCalls(budget.refused())
        .setOpenScans(service.openScans())
        .setHeldSnapshots(snapshots.size())
        .setCallsInFlight(admission.callsInFlight())
        .setCallThreads(readThreads.getPoolSize() + writeThreads.getPoolSize())
        .setCallThreadsPeak(readThreads.getLargestPoolSize() + writeThreads.getLargestPoolSize())
        .setHeapMaxBytes(Runtime.getRuntime().maxMemory())
        .setHeapAfterGcBytes(heapAfterLastGc())
        .build();
  }

  /** Heap in use right after the last collection of each heap pool (the live set). */
  private static long heapAfterLastGc() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && after != null) {
        used += after.getUsed();
      }
    }
    return used;
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
    health.stop();
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
      shutdownPools();
      snapshots.releaseAll();
    }
    LOG.info("Shale server on port {} stopped", address.getPort());
  }

  private void shutdownPools() {
    scheduler.shutdownNow();
    readThreads.shutdownNow();
    writeThreads.shutdownNow();
  }

  /** Chooses the address, security and limits, then {@link #start()}s. Not thread-safe. */
  public static final class Builder {
    private final Db db;
    private @Nullable String bind;
    private int port = DEFAULT_PORT;
    private boolean insecure;
    private @Nullable Path certChain;
    private @Nullable Path privateKey;
    private @Nullable Path clientCa;
    private @Nullable String token;
    private @Nullable Path tokenFile;
    private @Nullable String readOnlyToken;
    private @Nullable Path readOnlyTokenFile;
    private Duration tokenReloadPeriod = Duration.ofSeconds(5);
    private long memoryBudget;
    private int maxMessageBytes;
    private int maxKeyBytes = 64 << 10;
    private int maxValueBytes = 8 << 20;
    private int maxWriteOperations = 10_000;
    private int maxExpectations = 1_000;
    private int maxConcurrentCallsPerConnection = 100;
    private int readThreads = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
    private int writeThreads = 64;
    private int maxScansPerClient = 64;
    private int maxScans = 1024;
    private Duration scanIdleTimeout = Duration.ofSeconds(60);
    private Duration snapshotLease = Duration.ofMinutes(1);
    private int maxSnapshotsPerClient = 1_000;
    private int maxSnapshots = 10_000;
    private int maxHealthStreamsPerClient = 16;
    private int maxHealthStreams = 1024;
    private int maxRstFrames = 1000;
    private int rstWindowSeconds = 10;
    private Duration keepAliveTime = Duration.ofMinutes(1);
    private Duration permitKeepAliveTime = Duration.ofSeconds(20);
    private Duration maxConnectionIdle = Duration.ofMinutes(2);
    private Duration maxConnectionAge = Duration.ofHours(1);
    private Duration maxConnectionAgeGrace = Duration.ofMinutes(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration healthPeriod = Duration.ofSeconds(1);
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

    /**
     * Allow plaintext on a non-loopback address (default false: {@link #start} refuses it, since
     * anyone who can reach the address could read and write, unencrypted).
     */
    @CanIgnoreReturnValue
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * Serve TLS with this certificate chain and unencrypted PKCS#8 private key, both PEM files;
     * {@link #start} checks that the key belongs to the certificate.
     */
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

    /**
     * Require {@code authorization: Bearer token} on every call but health checks; the token may do
     * everything. At least 16 printable ASCII characters.
     *
     * @throws IllegalArgumentException for a blank, short or non-ASCII token
     */
    @CanIgnoreReturnValue
    public Builder token(@Nullable String token) {
      this.token =
          token == null
              ? null
              : dev.shale.lsm.server.protocol.BearerToken.validateForServer(
                  token, "the server options");
      return this;
    }

    /**
     * Like {@link #token}, read from {@code file} at start and again whenever it changes (checked
     * every 5 s), so the token can be rotated without a restart; a file that group or others can
     * read is accepted with a warning.
     */
    @CanIgnoreReturnValue
    public Builder tokenFile(@Nullable Path file) {
      this.tokenFile = file;
      return this;
    }

    /** A second token that may only read: Put, Delete and Write get PERMISSION_DENIED. */
    @CanIgnoreReturnValue
    public Builder readOnlyToken(@Nullable String token) {
      this.readOnlyToken =
          token == null
              ? null
              : dev.shale.lsm.server.protocol.BearerToken.validateForServer(
                  token, "the server options (read-only token)");
      return this;
    }

    /** Like {@link #readOnlyToken}, from a file reread when it changes. */
    @CanIgnoreReturnValue
    public Builder readOnlyTokenFile(@Nullable Path file) {
      this.readOnlyTokenFile = file;
      return this;
    }

    /** How often token files are checked for changes (default 5 s). */
    @CanIgnoreReturnValue
    public Builder tokenReloadPeriod(Duration period) {
      this.tokenReloadPeriod = positive("tokenReloadPeriod", period);
      return this;
    }

    /**
     * Memory that requests in flight may hold (default: a quarter of the heap, {@link MemoryPlan});
     * a request that does not fit is refused with RESOURCE_EXHAUSTED and a retry hint. Large
     * requests (1 MiB and more) share half of it.
     */
    @CanIgnoreReturnValue
    public Builder memoryBudget(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("memoryBudget must be positive, was " + bytes);
      }
      this.memoryBudget = bytes;
      return this;
    }

    /**
     * The largest request message accepted (default 16 MiB, less when the memory budget cannot hold
     * a write that large); larger ones fail with RESOURCE_EXHAUSTED.
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

    /** The largest value accepted (default 8 MiB); larger ones fail with INVALID_ARGUMENT. */
    @CanIgnoreReturnValue
    public Builder maxValueBytes(int bytes) {
      this.maxValueBytes = positive("maxValueBytes", bytes);
      return this;
    }

    /** The most operations one Write may carry (default 10,000); more fail INVALID_ARGUMENT. */
    @CanIgnoreReturnValue
    public Builder maxWriteOperations(int count) {
      this.maxWriteOperations = positive("maxWriteOperations", count);
      return this;
    }

    /**
     * The most expectations one conditional Write may check (default 1,000): they are checked under
     * a lock that holds up every other write.
     */
    @CanIgnoreReturnValue
    public Builder maxExpectations(int count) {
      this.maxExpectations = positive("maxExpectations", count);
      return this;
    }

    /** Concurrent calls on one connection (HTTP/2 MAX_CONCURRENT_STREAMS; default 100). */
    @CanIgnoreReturnValue
    public Builder maxConcurrentCallsPerConnection(int count) {
      this.maxConcurrentCallsPerConnection = positive("maxConcurrentCallsPerConnection", count);
      return this;
    }

    /**
     * Threads that run calls: {@code reads} for everything but writes (default 4 per core, at least
     * 16), {@code writes} for Put, Delete and Write (default 64, which wait for the log together in
     * group commits). Calls beyond wait in a queue.
     */
    @CanIgnoreReturnValue
    public Builder callThreads(int reads, int writes) {
      this.readThreads = positive("read threads", reads);
      this.writeThreads = positive("write threads", writes);
      return this;
    }

    /** Open scans per client (default 64) and in total (default 1,024). */
    @CanIgnoreReturnValue
    public Builder maxScans(int perClient, int total) {
      this.maxScansPerClient = positive("scans per client", perClient);
      this.maxScans = positive("scans", total);
      return this;
    }

    /**
     * How long a scan may wait for its client to read before it is closed with ABORTED, releasing
     * its iterator and snapshot (default 60 s).
     */
    @CanIgnoreReturnValue
    public Builder scanIdleTimeout(Duration timeout) {
      this.scanIdleTimeout = positive("scanIdleTimeout", timeout);
      return this;
    }

    /** How long an unused snapshot is kept before it is released (default 1 minute). */
    @CanIgnoreReturnValue
    public Builder snapshotLease(Duration lease) {
      this.snapshotLease = positive("snapshotLease", lease);
      return this;
    }

    /** How many snapshots clients may hold at once (default 10,000). */
    @CanIgnoreReturnValue
    public Builder maxSnapshots(int count) {
      this.maxSnapshots = positive("maxSnapshots", count);
      return this;
    }

    /** How many snapshots one client may hold at once (default 1,000). */
    @CanIgnoreReturnValue
    public Builder maxSnapshotsPerClient(int count) {
      this.maxSnapshotsPerClient = positive("maxSnapshotsPerClient", count);
      return this;
    }

    /**
     * Health calls (which need no credentials) open at once per client (default 16) and in total
     * (default 1,024).
     */
    @CanIgnoreReturnValue
    public Builder maxHealthStreams(int perClient, int total) {
      this.maxHealthStreamsPerClient = positive("health streams per client", perClient);
      this.maxHealthStreams = positive("health streams", total);
      return this;
    }

    /**
     * RST_STREAM frames a connection may send per window before it is closed (HTTP/2 rapid reset;
     * default 1,000 per 10 s).
     */
    @CanIgnoreReturnValue
    public Builder maxRstFramesPerWindow(int frames, int seconds) {
      this.maxRstFrames = positive("RST frames", frames);
      this.rstWindowSeconds = positive("RST window seconds", seconds);
      return this;
    }

    /**
     * Connections with no call for this long are closed (GOAWAY; clients reconnect on their next
     * call; default 2 minutes; at least 1 s).
     */
    @CanIgnoreReturnValue
    public Builder maxConnectionIdle(Duration idle) {
      this.maxConnectionIdle = positive("maxConnectionIdle", idle);
      return this;
    }

    /**
     * Connections older than this are closed gracefully (default 1 hour), with {@code grace} for
     * calls in flight (default 10 minutes).
     */
    @CanIgnoreReturnValue
    public Builder maxConnectionAge(Duration age, Duration grace) {
      this.maxConnectionAge = positive("maxConnectionAge", age);
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative, was " + grace);
      }
      this.maxConnectionAgeGrace = grace;
      return this;
    }

    /**
     * How long a new connection may take to complete its TLS and HTTP/2 handshake (default 10 s).
     */
    @CanIgnoreReturnValue
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive("handshakeTimeout", timeout);
      return this;
    }

    /**
     * Keepalive: the server pings a connection quiet for {@code time} (default 1 minute) and drops
     * it when the ping goes unanswered; clients that ping more often than {@code permitted}
     * (default 20 s), or without calls, are disconnected.
     */
    @CanIgnoreReturnValue
    public Builder keepAlive(Duration time, Duration permitted) {
      this.keepAliveTime = positive("keepAliveTime", time);
      this.permitKeepAliveTime = positive("permitKeepAliveTime", permitted);
      return this;
    }

    /** How often health is checked against the Db (default 1 s; also at once after a failure). */
    @CanIgnoreReturnValue
    public Builder healthCheckPeriod(Duration period) {
      this.healthPeriod = positive("healthCheckPeriod", period);
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

    boolean hasReadOnlyToken() {
      return readOnlyToken != null || readOnlyTokenFile != null;
    }

    private @Nullable TokenSource tokenSource(
        @Nullable String fixed, @Nullable Path file, String label) {
      if (fixed != null && file != null) {
        throw new IllegalArgumentException("give the " + label + " token or its file, not both");
      }
      if (fixed != null) {
        return TokenSource.of(fixed, label + " token");
      }
      return file == null ? null : TokenSource.fromFile(file, label);
    }

    /** The limits this builder resolves to for this JVM. */
    Limits limits() {
      long budget = memoryBudget > 0 ? memoryBudget : MemoryPlan.forThisJvm().requestBytes();
      // A write is held about WRITE_COPIES times; large requests share half of the budget.
      long largest = budget / 2 / RequestAdmission.WRITE_COPIES;
      int message = maxMessageBytes;
      if (message == 0) {
        message = (int) Math.min(16 << 20, largest);
      } else if (message > largest) {
        throw new IllegalArgumentException(
            "maxMessageBytes "
                + message
                + " does not fit the memory budget ("
                + budget
                + " bytes; a write of that size needs "
                + (long) message * RequestAdmission.WRITE_COPIES * 2
                + "): raise the heap (-Xmx) or the budget, or lower the message size");
      }
      return new Limits(
          budget,
          message,
          maxKeyBytes,
          Math.min(maxValueBytes, message),
          maxWriteOperations,
          maxExpectations,
          maxConcurrentCallsPerConnection,
          readThreads,
          writeThreads,
          maxScansPerClient,
          maxScans,
          scanIdleTimeout,
          maxSnapshotsPerClient,
          maxSnapshots,
          maxHealthStreamsPerClient,
          maxHealthStreams);
    }

    /**
     * Starts listening.
     *
     * @throws IllegalArgumentException for a client CA without TLS, an unknown bind host, a
     *     non-loopback address without TLS (unless {@link #insecure}), a key that does not belong
     *     to the certificate or is not PKCS#8, an unusable token, or limits that contradict each
     *     other
     * @throws UncheckedIOException when the port cannot be bound or a certificate or token file
     *     cannot be read
     */
    public ShaleServer start() {
      if (clientCa != null && certChain == null) {
        throw new IllegalArgumentException("a client CA (mutual TLS) needs a server certificate");
      }
      Limits resolved = limits();
      try {
        return new ShaleServer(this, resolved);
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

    private static Duration positive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
