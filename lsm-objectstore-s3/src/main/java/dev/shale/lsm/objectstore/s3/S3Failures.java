package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** Sorts SDK failures into retryable and final ones, and turns final ones into clear messages. */
final class S3Failures {
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "SlowDown",
          "ConditionalRequestConflict",
          "OperationAborted",
          "RequestTimeout",
          "InternalError",
          "ServiceUnavailable",
          "Throttling",
          "ThrottlingException",
          "RequestThrottled");
  private static final Set<String> AUTH_CODES =
      Set.of(
          "AccessDenied",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired");
  private static final Set<String> REGION_CODES =
      Set.of("PermanentRedirect", "AuthorizationHeaderMalformed", "IncorrectEndpoint");

  private final S3Settings settings;

  S3Failures(S3Settings settings) {
    this.settings = settings;
  }

  static int status(SdkException e) {
    return e instanceof AwsServiceException ase ? ase.statusCode() : 0;
  }

  static @Nullable String code(SdkException e) {
    if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
      return ase.awsErrorDetails().errorCode();
    }
    return null;
  }

  /** Whether another attempt may succeed: throttling, 5xx, conflicts, timeouts, broken links. */
  static boolean retryable(SdkException e) {
    if (e instanceof AwsServiceException ase) {
      int status = ase.statusCode();
      String code = code(e);
      if (code != null && RETRYABLE_CODES.contains(code)) {
        return true;
      }
      return status == 409
          || status == 429
          || (status >= 500 && status != 501)
          || ase.isThrottlingException();
    }
    if (e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return e.retryable();
  }

  /** A final failure of {@code operation} on {@code key} (null for bucket-level calls). */
  IOException translate(SdkException e, String operation, @Nullable String key) {
    String what = operation + " " + settings.displayUri() + (key == null ? "" : key);
    int status = status(e);
    String code = code(e);
    String detail =
        status == 0 ? e.getMessage() : "HTTP " + status + (code == null ? "" : " " + code);
    if ("NoSuchBucket".equals(code)) {
      return new IOException(
          "bucket '"
              + settings.bucket()
              + "' does not exist"
              + where()
              + ": create it or fix the bucket name in "
              + settings.displayUri(),
          e);
    }
    if (key != null && ("NoSuchKey".equals(code) || status == 404)) {
      NoSuchObjectException missing = new NoSuchObjectException(key);
      missing.initCause(e);
      return missing;
    }
    if (status == 403 || (code != null && AUTH_CODES.contains(code))) {
      return new IOException(
          what
              + " was refused ("
              + detail
              + "): check the credentials and the region"
              + (settings.region() == null ? "" : " (region " + settings.region() + ")")
              + where()
              + "; a role without s3:ListBucket also gets 403 for missing objects",
          e);
    }
    if (status == 301 || (code != null && REGION_CODES.contains(code))) {
      return new IOException(
          what
              + " failed ("
              + detail
              + "): the bucket is in another region than "
              + settings.region()
              + "; set region= to the bucket's region",
          e);
    }
    if (status == 0 && e.getMessage() != null && e.getMessage().contains("credentials")) {
      return new IOException(
          what
              + " failed: "
              + e.getMessage()
              + " (give accessKeyId/secretAccessKey options or configure the AWS default"
              + " credential chain)",
          e);
    }
    if (status == 501) {
      return new IOException(what + " is not implemented by this server (" + detail + ")", e);
    }
    return new IOException(
        what + " failed (" + detail + "): " + (status == 0 ? "" : e.getMessage()), e);
  }

  private String where() {
    return settings.endpoint() == null ? "" : " at " + settings.endpoint();
  }
}
