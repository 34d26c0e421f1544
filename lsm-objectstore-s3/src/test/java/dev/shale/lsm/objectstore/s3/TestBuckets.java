package dev.shale.lsm.objectstore.s3;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** Creates the test bucket on a containerised S3-compatible server. */
final class TestBuckets {
  private TestBuckets() {}

  static void create(
      URI endpoint, String region, String accessKey, String secretKey, String bucket) {
    try (S3Client s3 =
        S3Client.builder()
            .httpClient(Apache5HttpClient.create())
            .endpointOverride(endpoint)
            .region(Region.of(region))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .build()) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // made by an earlier test class
    }
  }
}
