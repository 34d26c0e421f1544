package dev.shale.lsm.objectstore.s3;

import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An S3Proxy blob store that makes {@code If-Match} atomic. S3Proxy 4.1.0 checks the ETag in its
 * request handler and then writes, so concurrent If-Match writers can all win; this wrapper takes a
 * per-key lock around every write and delete of a key and checks the ETag again inside it, as real
 * S3 does atomically. ({@code If-None-Match} needs no help: the blob store publishes with a hard
 * link.)
 */
final class AtomicIfMatchBlobStore extends ForwardingBlobStore {
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  AtomicIfMatchBlobStore(BlobStore delegate) {
    super(delegate);
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  private ReentrantLock lockOf(String bucket, String key) {
    return stripes[Math.floorMod((bucket + "/" + key).hashCode(), stripes.length)];
  }

  private void checkEtag(String bucket, String key, String expected) {
    HeadObjectResponse current = delegate().blobMetadataIfPresent(bucket, key);
    if (current == null || !unquote(current.eTag()).equals(unquote(expected))) {
      throw S3Exceptions.fromStatusCode(412);
    }
  }

  private static String unquote(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
    ReentrantLock lock = lockOf(request.bucket(), request.key());
    lock.lock();
    try {
      if (request.ifMatch() != null) {
        checkEtag(request.bucket(), request.key(), request.ifMatch());
      }
      return super.putBlob(request, in);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    ReentrantLock lock = lockOf(upload.containerName(), upload.blobName());
    lock.lock();
    try {
      if (request.ifMatch() != null) {
        checkEtag(upload.containerName(), upload.blobName(), request.ifMatch());
      }
      return super.completeMultipartUpload(upload, request);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    ReentrantLock lock = lockOf(request.bucket(), request.key());
    lock.lock();
    try {
      return super.removeBlob(request);
    } finally {
      lock.unlock();
    }
  }
}
