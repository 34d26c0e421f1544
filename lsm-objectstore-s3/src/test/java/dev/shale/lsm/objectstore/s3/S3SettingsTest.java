package dev.shale.lsm.objectstore.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** URI and option parsing, and what each bucket kind declares; no server needed. */
class S3SettingsTest {
  @Test
  void parsesBucketPrefixAndQuery() {
    S3Settings s =
        S3Settings.parse(
            URI.create(
                "s3://my-bucket/db/one?endpoint=http://127.0.0.1:9000&region=eu-west-1&pathStyle=true"),
            Map.of());
    assertEquals("my-bucket", s.bucket());
    assertEquals("db/one/", s.prefix());
    assertEquals(URI.create("http://127.0.0.1:9000"), s.endpoint());
    assertEquals("eu-west-1", s.region());
    assertTrue(s.pathStyle());
    assertFalse(s.directoryBucket());
    assertEquals("s3://my-bucket/db/one/", s.displayUri());
    assertEquals("", S3Settings.parse(URI.create("s3://my-bucket"), Map.of()).prefix());
    assertNull(S3Settings.parse(URI.create("s3://my-bucket/"), Map.of()).endpoint());
  }

  @Test
  void optionsAndQueryMustAgree() {
    URI uri = URI.create("s3://my-bucket/db?region=us-east-1");
    assertEquals("us-east-1", S3Settings.parse(uri, Map.of("region", "us-east-1")).region());
    assertThrows(
        IllegalArgumentException.class, () -> S3Settings.parse(uri, Map.of("region", "eu-west-1")));
    assertEquals(
        "k",
        S3Settings.parse(
                URI.create("s3://my-bucket/db"), Map.of("accessKeyId", "k", "other.layer", "x"))
            .accessKeyId());
  }

  @Test
  void rejectsBadInput() {
    for (String bad :
        new String[] {
          "file:///x",
          "s3:///nobucket",
          "s3://ab/x",
          "s3://my-bucket/x?nosuch=1",
          "s3://my-bucket/x?partSizeBytes=1000",
          "s3://my-bucket/x?maxAttempts=0",
          "s3://my-bucket/x?endpoint=ftp://h",
          "s3://my-bucket/x?requestTimeoutMillis=soon"
        }) {
      assertThrows(
          IllegalArgumentException.class, () -> S3Settings.parse(URI.create(bad), Map.of()), bad);
    }
  }

  @Test
  void neverPrintsTheSecret() {
    S3Settings s =
        S3Settings.parse(
            URI.create("s3://my-bucket/x"),
            Map.of("accessKeyId", "id", "secretAccessKey", "hunter2"));
    assertFalse(s.toString().contains("hunter2"));
  }

  @Test
  void directoryBucketsDeclareNoSortingNorStartAfter() {
    S3Settings express =
        S3Settings.parse(
            URI.create("s3://logs--usw2-az1--x-s3/db"),
            Map.of("region", "us-west-2", "accessKeyId", "id", "secretAccessKey", "s"));
    assertTrue(express.directoryBucket());
    try (S3ObjectStore store =
        new S3ObjectStore(express, S3ObjectStoreProvider.httpClient(express))) {
      assertEquals(
          Set.of(ObjectStoreCapability.PUT_IF_ABSENT, ObjectStoreCapability.PUT_IF_MATCH),
          store.capabilities());
    }
    S3Settings general =
        S3Settings.parse(
            URI.create("s3://logs/db"),
            Map.of("region", "us-west-2", "accessKeyId", "id", "secretAccessKey", "s"));
    try (S3ObjectStore store =
        new S3ObjectStore(general, S3ObjectStoreProvider.httpClient(general))) {
      assertEquals(Set.of(ObjectStoreCapability.values()), store.capabilities());
      assertEquals(5L << 40, store.maxObjectBytes());
    }
  }
}
