package dev.shale.lsm.server;

import dev.shale.lsm.server.protocol.BearerToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token the server accepts: fixed, or read from a file and read again when the file
 * changes ({@link #reloadIfChanged}), so a token is rotated without a restart. A token must be at
 * least {@value BearerToken#MIN_SERVER_TOKEN_CHARS} printable ASCII characters; a file that group
 * or others can read is accepted with a warning, as ssh warns about keys. A changed file whose
 * token is unusable is refused with an error and the previous token stays. Thread-safe.
 */
final class TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);
  private static final Set<PosixFilePermission> OTHERS_CAN_READ =
      EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

  private final @Nullable Path file;
  private final String label;
  private volatile byte[] token;
  private volatile @Nullable FileTime loadedAt;

  private TokenSource(@Nullable Path file, String label, String token) {
    this.file = file;
    this.label = label;
    this.token = token.getBytes(StandardCharsets.US_ASCII);
  }

  /** A fixed token. @throws IllegalArgumentException when it is unusable */
  static TokenSource of(String token, String label) {
    return new TokenSource(null, label, BearerToken.validateForServer(token, label));
  }

  /**
   * The token in {@code file}, reread when it changes.
   *
   * @throws IllegalArgumentException when it is unusable
   * @throws UncheckedIOException when it cannot be read
   */
  static TokenSource fromFile(Path file, String label) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      TokenSource source = new TokenSource(file, label, read(file));
      source.loadedAt = modified;
      warnIfReadableByOthers(file);
      return source;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + file + ": " + e, e);
    }
  }

  private static String read(Path file) throws IOException {
    return BearerToken.validateForServer(
        Files.readString(file, StandardCharsets.UTF_8), "token file " + file);
  }

  /** Warns when group or others may read {@code file} (on file systems with POSIX permissions). */
  static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(OTHERS_CAN_READ::contains)) {
        LOG.warn(
            "token file {} is readable by group or others ({}): anyone on this machine who can"
                + " read it can call the server; restrict it: chmod 600 {}",
            file,
            java.nio.file.attribute.PosixFilePermissions.toString(permissions),
            file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // no POSIX permissions here (e.g. Windows): nothing to check
    }
  }

  /** The token's bytes (ASCII); do not modify. */
  byte[] bytes() {
    return token;
  }

  String label() {
    return label;
  }

  /** Rereads the file when its modification time changed; keeps the old token when unusable. */
  void reloadIfChanged() {
    Path f = file;
    if (f == null) {
      return;
    }
    try {
      FileTime modified = Files.getLastModifiedTime(f);
      if (modified.equals(loadedAt)) {
        return;
      }
      loadedAt = modified;
      token = read(f).getBytes(StandardCharsets.US_ASCII);
      warnIfReadableByOthers(f);
      LOG.info("{} token reloaded from {}", label, f);
    } catch (IOException | IllegalArgumentException e) {
      LOG.error(
          "{} token file {} changed but cannot be used ({}); keeping the previous token",
          label,
          f,
          e.getMessage());
    }
  }
}
