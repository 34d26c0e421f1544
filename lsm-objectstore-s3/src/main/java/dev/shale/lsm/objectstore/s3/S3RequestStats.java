package dev.shale.lsm.objectstore.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of the HTTP requests an {@link S3ObjectStore} has sent, by kind, for cost and load
 * accounting (S3 bills per request). Every attempt counts, retries included; multipart uploads
 * count each create, part, complete and abort as a PUT (S3 bills them as PUT-class requests). An
 * immutable snapshot.
 *
 * @param puts PUT-class requests (PutObject and multipart requests)
 * @param gets GetObject requests (whole and ranged)
 * @param heads HeadObject and HeadBucket requests
 * @param lists ListObjectsV2 requests
 * @param deletes DeleteObject requests
 * @param retries attempts that were retried after a transient failure (throttling, 5xx, 409
 *     ConditionalRequestConflict, timeouts, dropped connections)
 * @param ambiguousPutsResolved conditional puts whose retry met 412 and that were found, by their
 *     put id, to have been applied by an earlier attempt
 */
public record S3RequestStats(
    long puts,
    long gets,
    long heads,
    long lists,
    long deletes,
    long retries,
    long ambiguousPutsResolved) {

  /** All requests sent. */
  public long requests() {
    return puts + gets + heads + lists + deletes;
  }

  /** The counts by name, for metrics exporters that take a map. */
  public Map<String, Long> asMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("put", puts);
    m.put("get", gets);
    m.put("head", heads);
    m.put("list", lists);
    m.put("delete", deletes);
    m.put("retries", retries);
    m.put("ambiguousPutsResolved", ambiguousPutsResolved);
    return m;
  }
}
