import org.jspecify.annotations.NullMarked;

/**
 * The S3 object store ({@code s3://}, provider "s3") over AWS SDK for Java v2 with the Apache 5
 * HTTP client: general-purpose and S3 Express One Zone directory buckets. Exports only the provider
 * package (the provider, the store with its request counts, and the counts record).
 */
@NullMarked
module dev.shale.lsm.objectstore.s3 {
  requires dev.shale.lsm.api;
  requires org.slf4j;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.http.apache5;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.utils;

  exports dev.shale.lsm.objectstore.s3;

  provides dev.shale.lsm.spi.objectstore.ObjectStoreProvider with
      dev.shale.lsm.objectstore.s3.S3ObjectStoreProvider;
}
