package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The S3 store passes the suite against S3Proxy on loopback (a general-purpose bucket), each test
 * on a fresh prefix.
 */
class S3ProxyObjectStoreConformanceTest extends ObjectStoreConformanceTest {
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
    return new S3ObjectStoreProvider().open(S3ProxyServer.freshUri(), server.options());
  }

  @Override
  protected Optional<ProviderTarget> providerTarget() {
    return Optional.of(
        new ProviderTarget(
            new S3ObjectStoreProvider(),
            S3ProxyServer.freshUri(),
            S3ProxyServer.shared().options()));
  }
}
