package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The S3 store passes the suite against a real S3 Express One Zone directory bucket, named by
 * {@code SHALE_S3_EXPRESS_BUCKET} (e.g. {@code shale-ci--use1-az4--x-s3}); credentials and region
 * come from the AWS default chains ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, ...). Skipped
 * when the variable is not set. Each test writes under a fresh prefix {@code shale-tck/<uuid>/} and
 * leaves its objects (a lifecycle rule on the bucket should expire that prefix).
 */
@EnabledIfEnvironmentVariable(
    named = S3ExpressObjectStoreConformanceTest.BUCKET_VARIABLE,
    matches = ".+")
@AddLifecycleHook(SkipWithoutExpressBucket.class)
class S3ExpressObjectStoreConformanceTest extends ObjectStoreConformanceTest {
  static final String BUCKET_VARIABLE = "SHALE_S3_EXPRESS_BUCKET";

  @Override
  protected ObjectStore newStore() throws IOException {
    String bucket = System.getenv(BUCKET_VARIABLE);
    Map<String, String> options = new HashMap<>();
    String region = System.getenv("AWS_REGION");
    if (region != null) {
      options.put(S3Settings.REGION, region);
    }
    return new S3ObjectStoreProvider()
        .open(URI.create("s3://" + bucket + "/shale-tck/" + UUID.randomUUID()), options);
  }
}
