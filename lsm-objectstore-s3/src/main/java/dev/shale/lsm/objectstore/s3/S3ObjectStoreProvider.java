package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;

/**
 * Opens S3 object stores, provider name {@code "s3"}, scheme {@code s3}: {@code
 * s3://bucket/prefix?endpoint=...&region=...&pathStyle=true}. General-purpose buckets and S3
 * Express One Zone directory buckets (names ending in {@code --x-s3}) are both supported; see
 * {@link S3ObjectStore} for how they differ.
 *
 * <p>Settings, as URI query parameters or options of the same name (a name in both must agree):
 * {@code endpoint} (an S3-compatible server's URL), {@code region} (else the AWS default region
 * chain, else us-east-1 when an endpoint is given), {@code pathStyle} ({@code true} for most
 * S3-compatible servers), {@code accessKeyId}, {@code secretAccessKey}, {@code sessionToken} (else
 * the AWS default credential chain; prefer the options map to the URI for secrets), {@code
 * maxAttempts} (8), {@code baseBackoffMillis} (50), {@code maxBackoffMillis} (10000), {@code
 * requestTimeoutMillis} (30000, per attempt of small requests), {@code connectTimeoutMillis}
 * (5000), {@code socketTimeoutMillis} (30000, idle read), {@code maxConnections} (64), {@code
 * multipartThresholdBytes} (64 MiB), {@code partSizeBytes} (16 MiB).
 *
 * <p>The HTTP client is {@code Apache5HttpClient}, chosen explicitly (see {@link S3ObjectStore}).
 * Stateless and thread-safe.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {

  /** Constructed by {@link java.util.ServiceLoader}. */
  public S3ObjectStoreProvider() {}

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  /**
   * Opens the store and checks that the bucket exists and answers (HeadBucket).
   *
   * @throws IllegalArgumentException for a malformed URI or setting
   * @throws IOException when the bucket is missing, access is refused, or S3 cannot be reached
   */
  @Override
  public ObjectStore open(URI uri, Map<String, String> options) throws IOException {
    return open(S3Settings.parse(uri, options));
  }

  static S3ObjectStore open(S3Settings settings) throws IOException {
    return open(settings, httpClient(settings));
  }

  static S3ObjectStore open(S3Settings settings, SdkHttpClient http) throws IOException {
    S3ObjectStore store = new S3ObjectStore(settings, http);
    try {
      store.checkBucket();
      return store;
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  static SdkHttpClient httpClient(S3Settings settings) {
    return Apache5HttpClient.builder()
        .maxConnections(settings.maxConnections())
        .connectionTimeout(settings.connectTimeout())
        .socketTimeout(settings.socketTimeout())
        .connectionAcquisitionTimeout(settings.connectTimeout())
        // "Expect: 100-continue" costs a round trip per PUT (and, on loopback, a delayed-ACK
        // stall); objects here are small or sent in parts, so a rejected body wastes little.
        .expectContinueEnabled(false)
        .build();
  }
}
