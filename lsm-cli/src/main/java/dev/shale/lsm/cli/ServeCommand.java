package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.server.MemoryPlan;
import dev.shale.lsm.server.ShaleServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code shale serve}: serves a Db over gRPC until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    description = {
      "Serves the Db in DIR over gRPC (service shale.v1.Shale) until SIGTERM or Ctrl-C.",
      "Without TLS it listens on loopback only; a non-loopback --bind without TLS is refused"
          + " unless --insecure. On SIGTERM it stops accepting calls, lets calls in flight finish"
          + " (up to --drain-timeout), closes the Db and exits 0. The token comes from"
          + " --token-file (reread when it changes) or $SHALE_TOKEN. Memtables and the block cache"
          + " are sized to the heap (a quarter each for memtables and requests in flight): raise"
          + " the heap with JAVA_OPTS=-Xmx... to use more.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin DbOpenOptions db;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The port (default " + ShaleServer.DEFAULT_PORT + "; 0 picks a free one).")
  int port = ShaleServer.DEFAULT_PORT;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "The address to listen on (default: loopback).")
  @Nullable String bind;

  @Option(
      names = "--insecure",
      description =
          "Allow a non-loopback --bind without TLS: anyone who can reach it reads and writes,"
              + " unencrypted.")
  boolean insecure;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Serve TLS with this certificate chain (needs --tls-key).")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description =
          "The unencrypted PKCS#8 key of --tls-cert (convert a PKCS#1 key with: openssl pkcs8"
              + " -topk8 -nocrypt -in KEY -out KEY8).")
  @Nullable Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description = "Require client certificates signed by these CAs (mutual TLS).")
  @Nullable Path clientCa;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Require this bearer token (16+ characters) on every call but health checks; reread"
              + " when the file changes (default: $SHALE_TOKEN).")
  @Nullable Path tokenFile;

  @Option(
      names = "--read-only-token-file",
      paramLabel = "FILE",
      description = "A second token that may only read (Get, Scan, snapshots, Stats).")
  @Nullable Path readOnlyTokenFile;

  @Option(
      names = "--drain-timeout",
      paramLabel = "SECONDS",
      description = "How long calls in flight may finish on shutdown (default 30).")
  int drainSeconds = 30;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    String token = tokenFile == null ? TargetOptions.serverTokenFromEnvironment() : null;
    StderrLogging.enableInfo("dev.shale.lsm.server");
    StderrLogging.enableInfo("dev.shale.lsm.cli.ServeCommand");
    MemoryPlan plan = MemoryPlan.forThisJvm();
    DbOptions requested = db.options();
    DbOptions options = plan.fit(requested);
    if (!plan.fits(requested)) {
      LOG.info(
          "memtables and block cache sized to the heap ({}); raise -Xmx (JAVA_OPTS) for larger"
              + " ones",
          plan);
    }
    Db opened = db.openOrCreate(options);
    ShaleServer server;
    try {
      ShaleServer.Builder builder =
          ShaleServer.builder(opened)
              .port(port)
              .bind(bind)
              .insecure(insecure)
              .token(token)
              .tokenFile(tokenFile)
              .readOnlyTokenFile(readOnlyTokenFile)
              .clientCa(clientCa)
              .memoryBudget(plan.requestBytes())
              .drainTimeout(Duration.ofSeconds(drainSeconds));
      if (tlsCert != null && tlsKey != null) {
        builder.tls(tlsCert, tlsKey);
      }
      server = builder.start();
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    CountDownLatch stop = new CountDownLatch(1);
    // SIGTERM is how a service manager stops a server: drain, close, exit 0 (not the JVM's 143).
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    // Ctrl-C and other ways out still drain and close, through the shutdown hook.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    opened.close();
                  }
                },
                "shale-serve-shutdown"));
    stop.await();
    LOG.info("SIGTERM: draining calls, then closing the Db");
    try {
      server.close();
    } finally {
      opened.close();
    }
    return ExitCode.OK;
  }
}
