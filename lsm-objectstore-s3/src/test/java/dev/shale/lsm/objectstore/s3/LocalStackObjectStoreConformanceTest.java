package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.testcontainers.junit.jupiter.EnabledIfDockerAvailable;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The S3 store passes the suite against LocalStack's S3 in a container (Testcontainers); skipped
 * with a reason where no Docker engine is reachable. Started on first use, removed at JVM exit.
 */
@EnabledIfDockerAvailable
@AddLifecycleHook(SkipWithoutDocker.class)
class LocalStackObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  private static final String BUCKET = "shale-test";
  private static LocalStackContainer localstack;

  private static synchronized LocalStackContainer localstack() {
    if (localstack == null) {
      LocalStackContainer c =
          new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.7"))
              .withServices("s3");
      c.start();
      TestBuckets.create(
          c.getEndpoint(), c.getRegion(), c.getAccessKey(), c.getSecretKey(), BUCKET);
      localstack = c;
    }
    return localstack;
  }

  @Override
  protected ObjectStore newStore() throws IOException {
    LocalStackContainer c = localstack();
    return new S3ObjectStoreProvider()
        .open(
            URI.create("s3://" + BUCKET + "/t-" + UUID.randomUUID()),
            Map.of(
                S3Settings.ENDPOINT, c.getEndpoint().toString(),
                S3Settings.REGION, c.getRegion(),
                S3Settings.PATH_STYLE, "true",
                S3Settings.ACCESS_KEY_ID, c.getAccessKey(),
                S3Settings.SECRET_ACCESS_KEY, c.getSecretKey()));
  }
}
