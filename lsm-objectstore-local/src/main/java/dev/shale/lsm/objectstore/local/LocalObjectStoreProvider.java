package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens object stores on a local directory ({@code file:///path}), provider name {@code "local"}:
 * the embedded default ({@code --object-store file:///path}). The directory is created if missing.
 *
 * <p>Each object is one file: keys with {@code /} become folders, the last segment a file named
 * {@code <segment>.obj} holding a small header (entity tag, size, write time, user metadata,
 * CRC32C) and then the bytes. Puts are written to a temporary file in {@code %tmp}, fsynced, and
 * published atomically (a hard link for if-absent, so exactly one concurrent creator wins even
 * across processes; a rename under a per-key lock for the rest), and the folder is fsynced: a put
 * that returned survives power loss. The entity tag is the first 128 bits of SHA-256 of the bytes,
 * in hex. The stores declare every capability; listing is sorted in code point (UTF-8 byte) order.
 * Options are ignored. Keys must not have empty segments (leading, trailing or doubled {@code /}).
 *
 * <p>Stateless and thread-safe.
 */
public final class LocalObjectStoreProvider implements ObjectStoreProvider {

  /** Constructed by {@link java.util.ServiceLoader}. */
  public LocalObjectStoreProvider() {}

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  /**
   * Opens the store rooted at the directory of {@code uri}, creating it if missing.
   *
   * @throws IllegalArgumentException when the URI is not an absolute {@code file:} URI without
   *     query, fragment or host
   * @throws IOException when the directory cannot be created or used
   */
  @Override
  public ObjectStore open(URI uri, Map<String, String> options) throws IOException {
    if (!"file".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a file: URI: " + uri);
    }
    if (uri.isOpaque() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "expected file:///absolute/path without query or fragment: " + uri);
    }
    String authority = uri.getRawAuthority();
    if (authority != null && !authority.isEmpty() && !authority.equals("localhost")) {
      throw new IllegalArgumentException(
          "file: URIs of other hosts are not supported (write file:///path): " + uri);
    }
    Path dir = Path.of(uri.getPath());
    return LocalObjectStore.open(dir);
  }
}
