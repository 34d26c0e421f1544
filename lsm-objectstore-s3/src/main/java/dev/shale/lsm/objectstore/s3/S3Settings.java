package dev.shale.lsm.objectstore.s3;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one S3 store, from an {@code s3://bucket/prefix?name=value...} URI and an options
 * map with the same names. A name given in both places must have the same value; unknown names in
 * the URI are rejected (typos), unknown names in the map are ignored (the map may carry settings of
 * other layers).
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, empty or ending in {@code /}
 * @param directoryBucket whether the bucket is an S3 Express One Zone directory bucket
 */
record S3Settings(
    String bucket,
    String prefix,
    boolean directoryBucket,
    @Nullable URI endpoint,
    @Nullable String region,
    boolean pathStyle,
    @Nullable String accessKeyId,
    @Nullable String secretAccessKey,
    @Nullable String sessionToken,
    int maxAttempts,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration socketTimeout,
    int maxConnections,
    long multipartThresholdBytes,
    long partSizeBytes) {

  static final String ENDPOINT = "endpoint";
  static final String REGION = "region";
  static final String PATH_STYLE = "pathStyle";
  static final String ACCESS_KEY_ID = "accessKeyId";
  static final String SECRET_ACCESS_KEY = "secretAccessKey";
  static final String SESSION_TOKEN = "sessionToken";
  static final String MAX_ATTEMPTS = "maxAttempts";
  static final String BASE_BACKOFF_MILLIS = "baseBackoffMillis";
  static final String MAX_BACKOFF_MILLIS = "maxBackoffMillis";
  static final String REQUEST_TIMEOUT_MILLIS = "requestTimeoutMillis";
  static final String CONNECT_TIMEOUT_MILLIS = "connectTimeoutMillis";
  static final String SOCKET_TIMEOUT_MILLIS = "socketTimeoutMillis";
  static final String MAX_CONNECTIONS = "maxConnections";
  static final String MULTIPART_THRESHOLD_BYTES = "multipartThresholdBytes";
  static final String PART_SIZE_BYTES = "partSizeBytes";

  static final Set<String> NAMES =
      Set.of(
          ENDPOINT,
          REGION,
          PATH_STYLE,
          ACCESS_KEY_ID,
          SECRET_ACCESS_KEY,
          SESSION_TOKEN,
          MAX_ATTEMPTS,
          BASE_BACKOFF_MILLIS,
          MAX_BACKOFF_MILLIS,
          REQUEST_TIMEOUT_MILLIS,
          CONNECT_TIMEOUT_MILLIS,
          SOCKET_TIMEOUT_MILLIS,
          MAX_CONNECTIONS,
          MULTIPART_THRESHOLD_BYTES,
          PART_SIZE_BYTES);

  /** S3's smallest part (except the last). */
  static final long MIN_PART_BYTES = 5L << 20;

  /** S3's largest single PUT. */
  static final long MAX_SINGLE_PUT_BYTES = 5L << 30;

  /** Suffix of S3 Express One Zone directory bucket names ({@code base--zone-id--x-s3}). */
  static final String DIRECTORY_BUCKET_SUFFIX = "--x-s3";

  /** Parses {@code uri} and {@code options}. */
  static S3Settings parse(URI uri, Map<String, String> options) {
    if (!"s3".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    if (uri.isOpaque() || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("expected s3://bucket/prefix: " + uri);
    }
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "s3:// URI needs a bucket, as in s3://my-bucket/db: " + uri);
    }
    if (bucket.length() < 3 || bucket.length() > 63) {
      throw new IllegalArgumentException(
          "S3 bucket names have 3 to 63 characters: '" + bucket + "' in " + uri);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = path.replaceAll("^/+", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    Map<String, String> values = merge(uri, options);
    long partSize = longValue(values, PART_SIZE_BYTES, 16L << 20);
    if (partSize < MIN_PART_BYTES) {
      throw new IllegalArgumentException(
          PART_SIZE_BYTES + " must be at least 5 MiB (S3's minimum part): " + partSize);
    }
    long threshold = longValue(values, MULTIPART_THRESHOLD_BYTES, 64L << 20);
    if (threshold < 1 || threshold > MAX_SINGLE_PUT_BYTES) {
      throw new IllegalArgumentException(
          MULTIPART_THRESHOLD_BYTES + " must be in [1, 5 GiB]: " + threshold);
    }
    int maxAttempts = (int) longValue(values, MAX_ATTEMPTS, 8);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(MAX_ATTEMPTS + " must be at least 1: " + maxAttempts);
    }
    String endpoint = values.get(ENDPOINT);
    return new S3Settings(
        bucket,
        prefix,
        bucket.endsWith(DIRECTORY_BUCKET_SUFFIX),
        endpoint == null ? null : endpointUri(endpoint),
        values.get(REGION),
        Boolean.parseBoolean(values.getOrDefault(PATH_STYLE, "false")),
        values.get(ACCESS_KEY_ID),
        values.get(SECRET_ACCESS_KEY),
        values.get(SESSION_TOKEN),
        maxAttempts,
        millis(values, BASE_BACKOFF_MILLIS, 50),
        millis(values, MAX_BACKOFF_MILLIS, 10_000),
        millis(values, REQUEST_TIMEOUT_MILLIS, 30_000),
        millis(values, CONNECT_TIMEOUT_MILLIS, 5_000),
        millis(values, SOCKET_TIMEOUT_MILLIS, 30_000),
        (int) longValue(values, MAX_CONNECTIONS, 64),
        threshold,
        partSize);
  }

  /** The same settings, but treated as a directory bucket (to test that path on other servers). */
  S3Settings asDirectoryBucket() {
    return new S3Settings(
        bucket,
        prefix,
        true,
        endpoint,
        region,
        pathStyle,
        accessKeyId,
        secretAccessKey,
        sessionToken,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        requestTimeout,
        connectTimeout,
        socketTimeout,
        maxConnections,
        multipartThresholdBytes,
        partSizeBytes);
  }

  /** The URI for messages: bucket and prefix, never credentials. */
  String displayUri() {
    return "s3://" + bucket + "/" + prefix;
  }

  private static Map<String, String> merge(URI uri, Map<String, String> options) {
    Map<String, String> values = new HashMap<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
        if (!NAMES.contains(name)) {
          throw new IllegalArgumentException(
              "unknown s3:// URI parameter '"
                  + name
                  + "'; known: "
                  + new java.util.TreeSet<>(NAMES));
        }
        values.put(name, value);
      }
    }
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!NAMES.contains(e.getKey())) {
        continue;
      }
      String fromUri = values.putIfAbsent(e.getKey(), e.getValue());
      if (fromUri != null && !fromUri.equals(e.getValue())) {
        throw new IllegalArgumentException(
            "'" + e.getKey() + "' is set differently in the URI and in the options");
      }
    }
    return values;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static URI endpointUri(String endpoint) {
    URI u;
    try {
      u = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed endpoint '" + endpoint + "'", e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an http(s) URL such as http://127.0.0.1:9000: '" + endpoint + "'");
    }
    return u;
  }

  private static long longValue(Map<String, String> values, String name, long fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number: '" + v + "'", e);
    }
  }

  private static Duration millis(Map<String, String> values, String name, long fallback) {
    long ms = longValue(values, name, fallback);
    if (ms < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + ms);
    }
    return Duration.ofMillis(ms);
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "S3Settings[" + displayUri() + ", endpoint=" + endpoint + ", region=" + region + "]";
  }
}
