package dev.shale.lsm.cli;

import dev.shale.lsm.client.ShaleClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where {@code put}, {@code get}, {@code delete} and {@code scan} go: {@code --db DIR} (with the
 * options that open a Db) or {@code --server HOST:PORT} (with the options that reach a server),
 * exactly one of the two.
 */
@SuppressWarnings("NullAway.Init") // picocli sets the group and mixins before any method runs
final class TargetOptions {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Mixin DbPartOptions parts;

  @Mixin ClientOptions client;

  /** {@code --db} or {@code --server}. */
  static final class Target {
    @Option(names = "--db", required = true, paramLabel = "DIR", description = "The Db directory.")
    @Nullable Path directory;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "HOST:PORT",
        description = "A running 'shale serve' to talk to, instead of --db.")
    @Nullable String server;
  }

  /** Options for reaching a server. */
  static final class ClientOptions {
    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = "The server's bearer token, read from FILE (default: $SHALE_TOKEN).")
    @Nullable Path tokenFile;

    @Option(
        names = "--tls-ca",
        paramLabel = "PEM",
        description = "Speak TLS to the server, trusting the CA certificates in PEM.")
    @Nullable Path trustedCa;

    @Option(
        names = "--tls-cert",
        paramLabel = "PEM",
        description = "Client certificate chain for a server that asks for one (mutual TLS).")
    @Nullable Path certificate;

    @Option(
        names = "--tls-key",
        paramLabel = "PEM",
        description = "The PKCS#8 private key of --tls-cert.")
    @Nullable Path key;
  }

  /**
   * Opens the Db or connects to the server. {@code mustExist}: a Db directory must hold a Db
   * already (reading commands never create one).
   */
  Store open(boolean mustExist) throws IOException {
    if (target.server != null) {
      return Store.of(connect(target.server));
    }
    Path directory = target.directory;
    if (directory == null) {
      throw new IllegalArgumentException("give --db DIR or --server HOST:PORT");
    }
    if (parts.hasObjectStore()) {
      return Store.of(parts.open(directory, false)); // an empty directory is restored
    }
    if (mustExist) {
      DbDirectoryOption check = new DbDirectoryOption();
      check.directory = directory;
      directory = check.existing();
    }
    return Store.of(parts.open(directory, mustExist));
  }

  /**
   * Opens the Db of {@code --db}, which must exist (for commands that only read and need the Db
   * itself, such as {@code stats}).
   */
  Store.Local openLocal() throws IOException {
    Path directory = target.directory;
    if (directory == null) {
      throw new IllegalArgumentException("give --db DIR or --server HOST:PORT");
    }
    if (parts.hasObjectStore()) {
      return new Store.Local(parts.open(directory, false));
    }
    DbDirectoryOption check = new DbDirectoryOption();
    check.directory = directory;
    return new Store.Local(parts.open(check.existing(), true));
  }

  ShaleClient connect(String server) throws IOException {
    ShaleClient.Builder builder = ShaleClient.builder(server);
    if (client.certificate != null || client.key != null) {
      if (client.certificate == null || client.key == null) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      builder.clientCertificate(client.certificate, client.key);
    }
    if (client.trustedCa != null) {
      builder.tls(client.trustedCa);
    }
    String token = token(client.tokenFile);
    if (token != null) {
      builder.token(token);
    }
    return builder.build();
  }

  /** The token from {@code file}, else from {@code $SHALE_TOKEN}, else none. */
  static @Nullable String token(@Nullable Path file) throws IOException {
    if (file != null) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    String env = System.getenv("SHALE_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }

  /**
   * The token a server requires from {@code $SHALE_TOKEN}: none when it is unset; a set but blank
   * variable is an error, since serving without authentication must be chosen, not slipped into.
   */
  static @Nullable String serverTokenFromEnvironment() {
    String env = System.getenv("SHALE_TOKEN");
    if (env == null) {
      return null;
    }
    if (env.isBlank()) {
      throw new IllegalArgumentException(
          "SHALE_TOKEN is set but empty: set it to a token of at least 16 characters (openssl"
              + " rand -hex 32), or unset it to serve without a token");
    }
    return env.strip();
  }
}
