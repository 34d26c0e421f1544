import org.jspecify.annotations.NullMarked;

/** The S3 object store over AWS SDK for Java v2. */
@NullMarked
module dev.shale.lsm.objectstore.s3 {
  requires dev.shale.lsm.api;
  requires org.slf4j;
  requires software.amazon.awssdk.services.s3;
}
