package dev.shale.lsm.spi.objectstore;

import dev.shale.lsm.spi.NamedProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens object stores for some URI schemes. Stateless and thread-safe. Found with {@link
 * java.util.ServiceLoader} (register it with {@code provides} in module-info and in {@code
 * META-INF/services}), and listed by the engine's {@code Shale.installedProviders()}.
 */
public interface ObjectStoreProvider extends NamedProvider {

  /** The URI schemes handled, e.g. {@code "s3"} or {@code "file"}: non-empty, lower case. */
  Set<String> schemes();

  /**
   * Opens the store at {@code uri}; {@code options} carries settings that do not fit in the URI
   * (endpoint, region, path-style, credentials), with the URI's query parameters taking the same
   * names.
   *
   * @throws IllegalArgumentException for a malformed URI or option, or a URI whose scheme is not
   *     one of {@link #schemes()}
   * @throws IOException when the store cannot be reached or the bucket does not exist
   */
  ObjectStore open(URI uri, Map<String, String> options) throws IOException;
}
