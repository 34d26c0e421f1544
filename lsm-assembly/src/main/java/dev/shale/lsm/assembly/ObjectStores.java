package dev.shale.lsm.assembly;

import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Opens an object store by URI with whichever installed provider handles its scheme. */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * Opens the store at {@code uri}: {@code file:///path}, {@code mem://name} (tests), {@code
   * s3://bucket/prefix?region=...&endpoint=...&pathStyle=true}. The caller closes it.
   *
   * @param options settings that do not fit in the URI (see the provider's documentation)
   * @throws IllegalArgumentException for a malformed URI or a scheme no installed provider handles
   *     (the message lists the schemes that are)
   * @throws IOException when the store cannot be reached or the bucket does not exist
   */
  public static ObjectStore open(String uri, Map<String, String> options) throws IOException {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed object store URI '" + uri + "': " + e.getMessage(), e);
    }
    String scheme = parsed.getScheme();
    SortedSet<String> known = new TreeSet<>();
    for (ObjectStoreProvider p : ProviderRegistry.installed(ObjectStoreProvider.class).all()) {
      if (scheme != null && p.schemes().contains(scheme)) {
        return p.open(parsed, options);
      }
      known.addAll(p.schemes());
    }
    throw new IllegalArgumentException(
        "no installed object store handles '"
            + uri
            + "'; the installed ones handle the schemes "
            + known);
  }
}
