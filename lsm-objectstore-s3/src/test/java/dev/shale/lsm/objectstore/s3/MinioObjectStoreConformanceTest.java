package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.EnabledIfDockerAvailable;

/**
 * The S3 store passes the suite against MinIO in a container (Testcontainers); skipped with a
 * reason where no Docker engine is reachable. The container starts on first use and is removed when
 * the JVM exits (Testcontainers' reaper), so jqwik's property, which runs after JUnit's
 * {@code @AfterAll}, finds it too.
 */
@EnabledIfDockerAvailable
@AddLifecycleHook(SkipWithoutDocker.class)
class MinioObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  private static final String BUCKET = "shale-test";
  private static MinIOContainer minio;

  private static synchronized MinIOContainer minio() {
    if (minio == null) {
      MinIOContainer c = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");
      c.start();
      TestBuckets.create(
          URI.create(c.getS3URL()), "us-east-1", c.getUserName(), c.getPassword(), BUCKET);
      minio = c;
    }
    return minio;
  }

  @Override
  protected ObjectStore newStore() throws IOException {
    MinIOContainer c = minio();
    return new S3ObjectStoreProvider()
        .open(
            URI.create("s3://" + BUCKET + "/t-" + UUID.randomUUID()),
            Map.of(
                S3Settings.ENDPOINT, c.getS3URL(),
                S3Settings.REGION, "us-east-1",
                S3Settings.PATH_STYLE, "true",
                S3Settings.ACCESS_KEY_ID, c.getUserName(),
                S3Settings.SECRET_ACCESS_KEY, c.getPassword()));
  }
}
