package dev.shale.lsm.spi.objectstore;

import java.time.Instant;
import java.util.Map;

/**
 * What a store knows of one object.
 *
 * @param key the object's key
 * @param sizeBytes its size
 * @param etag its entity tag (opaque; not necessarily an MD5)
 * @param lastModified when it was written
 * @param metadata its user metadata (empty in listings, which do not carry it)
 */
public record ObjectInfo(
    String key, long sizeBytes, String etag, Instant lastModified, Map<String, String> metadata) {
  public ObjectInfo {
    metadata = Map.copyOf(metadata);
  }
}
