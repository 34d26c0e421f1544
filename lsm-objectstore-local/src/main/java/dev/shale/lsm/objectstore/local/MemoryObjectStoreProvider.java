package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens in-memory object stores ({@code mem://name} or {@code mem://name/prefix}), provider name
 * {@code "memory"}. Every open of the same name in one JVM shares one bucket, so two engines in a
 * test can race for the same log; objects live until {@link #discard(String)} or the JVM exits. The
 * stores declare every capability, with atomic conditions, and take no options.
 *
 * <p>Stateless and thread-safe; the buckets are JVM-wide.
 */
public final class MemoryObjectStoreProvider implements ObjectStoreProvider {

  /** Constructed by {@link java.util.ServiceLoader}. */
  public MemoryObjectStoreProvider() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  /**
   * Opens {@code mem://name[/prefix]}.
   *
   * @throws IllegalArgumentException when the scheme is not {@code mem}, the name is missing, or
   *     the URI has a query or fragment
   */
  @Override
  public ObjectStore open(URI uri, Map<String, String> options) {
    if (!"mem".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a mem:// URI: " + uri);
    }
    String name = uri.getAuthority();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("mem:// URI needs a store name, as in mem://test: " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("mem:// URIs take no query or fragment: " + uri);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = path.replaceAll("^/+", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return MemoryObjectStore.open(name, prefix);
  }

  /** Forgets the in-memory bucket {@code name} (to free memory between tests). */
  public static void discard(String name) {
    MemoryObjectStore.discard(name);
  }
}
