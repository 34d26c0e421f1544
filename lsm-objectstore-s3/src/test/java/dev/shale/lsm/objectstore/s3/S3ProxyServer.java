package dev.shale.lsm.objectstore.s3;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An in-process S3Proxy 4.1.0 over real HTTP on loopback, with an in-memory blob store whose
 * If-Match is made atomic ({@link AtomicIfMatchBlobStore}). One server serves the whole test JVM:
 * it starts on first use (about a second) and stops when the JVM exits, because jqwik runs the
 * suites' properties after JUnit Jupiter's {@code @AfterAll} has run.
 */
final class S3ProxyServer {
  static final String ACCESS_KEY = "shale-test-access";
  static final String SECRET_KEY = "shale-test-secret";
  static final String BUCKET = "shale-test";

  /** Why S3Proxy's blob stores cannot keep key {@code a} beside key {@code a/b}. */
  static final String KEY_BESIDE_FOLDER =
      "S3Proxy 4.1.0's nio2 blob stores map keys to files and folders without escaping: with"
          + " object a present, a put of a/b fails with 500 InternalError (and the reverse)";

  private static S3ProxyServer shared;

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3ProxyServer(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  /** The JVM's server, started on first call. */
  static synchronized S3ProxyServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  private static S3ProxyServer start() {
    try {
      BlobStore store = new AtomicIfMatchBlobStore(new TransientNio2BlobStore());
      store.createContainer(BUCKET);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(store)
              .endpoint(URI.create("http://127.0.0.1:0"))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(5);
      }
      URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      proxy.stop();
                    } catch (Exception e) {
                      // exiting anyway
                    }
                  }));
      return new S3ProxyServer(proxy, endpoint);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
  }

  URI endpoint() {
    return endpoint;
  }

  /** Endpoint, region, path style and the test credentials. */
  Map<String, String> options() {
    return Map.of(
        S3Settings.ENDPOINT,
        endpoint.toString(),
        S3Settings.REGION,
        "us-east-1",
        S3Settings.PATH_STYLE,
        "true",
        S3Settings.ACCESS_KEY_ID,
        ACCESS_KEY,
        S3Settings.SECRET_ACCESS_KEY,
        SECRET_KEY);
  }

  /** A URI for a prefix no other test uses. */
  static URI freshUri() {
    return URI.create("s3://" + BUCKET + "/t-" + UUID.randomUUID());
  }

  S3Proxy proxy() {
    return proxy;
  }
}
