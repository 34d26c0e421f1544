package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.server.ShaleServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shale serve}: serves a Db over gRPC until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    description = {
      "Serves the Db in DIR over gRPC (service shale.v1.Shale) until SIGTERM or Ctrl-C.",
      "Without TLS it listens on loopback only unless --bind names another address. On SIGTERM"
          + " it stops accepting calls, lets calls in flight finish (up to --drain-timeout),"
          + " then closes the Db. The token comes from --token-file or $SHALE_TOKEN.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class ServeCommand implements Callable<Integer> {
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
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Serve TLS with this certificate chain (needs --tls-key).")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The PKCS#8 key of --tls-cert.")
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
          "Require this bearer token on every call but health checks (default: $SHALE_TOKEN).")
  @Nullable Path tokenFile;

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
    String token = TargetOptions.token(tokenFile);
    StderrLogging.enableInfo("dev.shale.lsm.server");
    Db opened = db.openOrCreate();
    ShaleServer server;
    try {
      ShaleServer.Builder builder =
          ShaleServer.builder(opened)
              .port(port)
              .bind(bind)
              .token(token)
              .clientCa(clientCa)
              .drainTimeout(Duration.ofSeconds(drainSeconds));
      if (tlsCert != null && tlsKey != null) {
        builder.tls(tlsCert, tlsKey);
      }
      server = builder.start();
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    opened.close();
                    closed.countDown();
                  }
                },
                "shale-serve-shutdown"));
    server.awaitTermination();
    closed.await();
    return ExitCode.OK;
  }
}
