package dev.shale.lsm.spi.objectstore;

import dev.shale.lsm.spi.NamedProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/** Opens object stores for some URI schemes. Stateless and thread-safe. */
public interface ObjectStoreProvider extends NamedProvider {

  /** The URI schemes handled, e.g. {@code "s3"} or {@code "file"}. */
  Set<String> schemes();

  /**
   * Opens the store at {@code uri}; {@code options} carries settings that do not fit in the URI
   * (endpoint, region, path-style, credentials), with the URI's query parameters taking the same
   * names.
   *
   * @throws IllegalArgumentException for a malformed URI or option
   * @throws IOException when the store cannot be reached or the bucket does not exist
   */
  ObjectStore open(URI uri, Map<String, String> options) throws IOException;
}
