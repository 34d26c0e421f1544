package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store's directory-bucket (S3 Express) code path passes the suite against S3Proxy: listing by
 * folder with client-side filtering and continuation tokens, no sorting or start-after claimed. (A
 * real {@code --x-s3} bucket name would switch the SDK to session auth, which S3Proxy refuses, so
 * the path is forced on an ordinary bucket.)
 */
class S3ProxyDirectoryBucketConformanceTest extends ObjectStoreConformanceTest {
  @BeforeAll
  static void startServer() {
    S3ProxyServer.shared();
  }

  @Override
  protected Optional<String> keyBesideFolderUnsupportedReason() {
    return Optional.of(S3ProxyServer.KEY_BESIDE_FOLDER);
  }

  @Override
  protected ObjectStore newStore() throws IOException {
    S3ProxyServer server = S3ProxyServer.shared();
    S3Settings settings = S3Settings.parse(S3ProxyServer.freshUri(), server.options());
    return S3ObjectStoreProvider.open(settings.asDirectoryBucket());
  }
}
