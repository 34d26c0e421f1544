package dev.shale.lsm.objectstore.s3;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An {@link ObjectStore} on an S3 bucket (general-purpose, or an S3 Express One Zone directory
 * bucket), through the AWS SDK for Java v2. Thread-safe; one instance holds one connection pool.
 *
 * <p>HTTP client: {@code Apache5HttpClient}, chosen on purpose. With the SDK's {@code
 * UrlConnectionHttpClient}, rapid sequential puts failed now and then with "Error writing request
 * body to server"; the retried conditional put then met 412 because the first attempt had been
 * stored. Apache 5 pools connections and was clean in the same runs.
 *
 * <p>Retries are this class's, not the SDK's (its retry strategy is switched off), so that every
 * re-sent conditional put is known: attempts back off exponentially with full jitter (a random
 * sleep in {@code [0, min(maxBackoff, baseBackoff * 2^attempt))}) on throttling (503 SlowDown,
 * 429), 5xx, 409 ConditionalRequestConflict, attempt timeouts and dropped connections; when
 * attempts run out the call throws {@link TransientStoreException}. When a conditional put that was
 * re-sent meets 412, the earlier attempt may have been applied: the store reads the object's {@link
 * PutOptions#PUT_ID} metadata and returns normally if it is this put's (the ambiguous-put rule of
 * {@link PutOptions}).
 *
 * <p>Conditions: if-absent is {@code If-None-Match: *}, if-match is {@code If-Match}; both are
 * atomic on S3 (and on S3 Express); a failed condition (412, or 404 for If-Match on a missing
 * object) is {@link PreconditionFailedException}. Directory buckets ({@code ...--x-s3}) use the
 * SDK's session auth, list in no particular order and ignore start-after, so they declare neither
 * {@code SORTED_LISTING} nor {@code LIST_START_AFTER}; their listings continue with an opaque token
 * in {@link ListPage#nextStartAfter()} (a NUL character followed by S3's continuation token), and
 * any other {@code startAfter} is ignored.
 *
 * <p>Sizes: {@link #putFile} uploads in parts above {@code multipartThresholdBytes} (64 MiB by
 * default; parts of {@code partSizeBytes}, 16 MiB, grown to stay within 10,000 parts), so objects
 * up to S3's 5 TiB limit can be written; {@link #put} sends one PUT. {@link #getToFile} streams.
 * Request bodies carry a CRC32C checksum (S3 Express does not accept Content-MD5).
 *
 * <p>Request counts: {@link #stats()}.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  /** S3's object size limit (multipart). */
  static final long MAX_OBJECT_BYTES = 5L << 40;

  private static final int MAX_PARTS = 10_000;
  private static final int MAX_LIST_PAGE = 1000;
  private static final char TOKEN_MARK = '\u0000';
  private static final long SMALL_TRANSFER_BYTES = 8L << 20;
  private static final byte[] EMPTY = new byte[0];

  private enum Kind {
    PUT,
    GET,
    HEAD,
    LIST,
    DELETE
  }

  private final S3Settings settings;
  private final S3Client client;
  private final S3Failures failures;
  private final String uri;
  private final Set<ObjectStoreCapability> capabilities;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder[] requests = new LongAdder[Kind.values().length];
  private final LongAdder retries = new LongAdder();
  private final LongAdder ambiguousResolved = new LongAdder();

  /**
   * A store over {@code httpClient}, which it closes on {@link #close()}. Does not contact S3;
   * {@link #checkBucket()} does.
   */
  S3ObjectStore(S3Settings settings, SdkHttpClient httpClient) {
    this.settings = settings;
    this.failures = new S3Failures(settings);
    this.uri = settings.displayUri();
    for (Kind k : Kind.values()) {
      requests[k.ordinal()] = new LongAdder();
    }
    EnumSet<ObjectStoreCapability> caps =
        EnumSet.of(ObjectStoreCapability.PUT_IF_ABSENT, ObjectStoreCapability.PUT_IF_MATCH);
    if (!settings.directoryBucket()) {
      caps.add(ObjectStoreCapability.SORTED_LISTING);
      caps.add(ObjectStoreCapability.LIST_START_AFTER);
    }
    this.capabilities = Set.copyOf(caps);
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(httpClient)
            .region(region(settings))
            .credentialsProvider(credentials(settings))
            .forcePathStyle(settings.pathStyle())
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryStrategy(AwsRetryStrategy.doNotRetry())
                    .build());
    URI endpoint = settings.endpoint();
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    this.client = builder.build();
  }

  private static Region region(S3Settings settings) {
    String region = settings.region();
    if (region != null && !region.isEmpty()) {
      return Region.of(region);
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      if (settings.endpoint() != null) {
        return Region.US_EAST_1; // S3-compatible servers usually accept any region
      }
      throw new IllegalArgumentException(
          "no region for "
              + settings.displayUri()
              + ": set region= in the URI or options, or AWS_REGION",
          e);
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    String id = settings.accessKeyId();
    String secret = settings.secretAccessKey();
    if (id == null && secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (id == null || secret == null) {
      throw new IllegalArgumentException(
          "give both accessKeyId and secretAccessKey, or neither (to use the AWS default chain)");
    }
    String token = settings.sessionToken();
    return StaticCredentialsProvider.create(
        token == null
            ? AwsBasicCredentials.create(id, secret)
            : AwsSessionCredentials.create(id, secret, token));
  }

  /** Checks that the bucket exists and can be reached with these credentials. */
  void checkBucket() throws IOException {
    call(
        Kind.HEAD,
        "HeadBucket",
        null,
        () -> client.headBucket(HeadBucketRequest.builder().bucket(settings.bucket()).build()));
  }

  /** The requests sent so far. */
  public S3RequestStats stats() {
    return new S3RequestStats(
        count(Kind.PUT),
        count(Kind.GET),
        count(Kind.HEAD),
        count(Kind.LIST),
        count(Kind.DELETE),
        retries.sum(),
        ambiguousResolved.sum());
  }

  private long count(Kind k) {
    return requests[k.ordinal()].sum();
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public Set<ObjectStoreCapability> capabilities() {
    return capabilities;
  }

  @Override
  public long maxObjectBytes() {
    return MAX_OBJECT_BYTES;
  }

  // ------------------------------------------------------------------ put

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    checkOpen();
    checkKey(key);
    checkCondition(options.condition());
    String s3Key = settings.prefix() + key;
    PutObjectRequest request =
        putRequest(s3Key, options)
            .contentLength((long) data.length)
            .overrideConfiguration(timeout(data.length))
            .build();
    // A content provider re-reads the caller's array on each attempt instead of copying it.
    return conditionalPut(
        key,
        options,
        () ->
            client
                .putObject(
                    request,
                    RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(data),
                        data.length,
                        "application/octet-stream"))
                .eTag());
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    checkOpen();
    checkKey(key);
    checkCondition(options.condition());
    long size = Files.size(file);
    if (size > MAX_OBJECT_BYTES) {
      throw new IllegalArgumentException(
          file + " has " + size + " bytes, more than S3's object limit of 5 TiB");
    }
    String s3Key = settings.prefix() + key;
    if (size <= settings.multipartThresholdBytes()) {
      PutObjectRequest request =
          putRequest(s3Key, options)
              .contentLength(size)
              .overrideConfiguration(timeout(size))
              .build();
      return conditionalPut(
          key, options, () -> client.putObject(request, RequestBody.fromFile(file)).eTag());
    }
    return multipartPut(key, s3Key, file, size, options);
  }

  private PutObjectRequest.Builder putRequest(String s3Key, PutOptions options) {
    PutObjectRequest.Builder b =
        PutObjectRequest.builder()
            .bucket(settings.bucket())
            .key(s3Key)
            .metadata(options.metadata())
            .checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
    switch (options.condition()) {
      case PutCondition.None n -> {}
      case PutCondition.IfAbsent a -> b.ifNoneMatch("*");
      case PutCondition.IfMatch m -> b.ifMatch(m.etag());
    }
    return b;
  }

  private interface PutAttempt {
    String send();
  }

  /**
   * Sends a put until it succeeds, fails for good, or runs out of attempts, resolving a 412 on a
   * re-sent conditional put by the object's put id.
   */
  private PutResult conditionalPut(String key, PutOptions options, PutAttempt attempt)
      throws IOException {
    for (int n = 1; ; n++) {
      count(Kind.PUT, 1);
      try {
        return new PutResult(attempt.send());
      } catch (SdkException e) {
        if (isConditionFailure(e, options.condition())) {
          PutResult mine = n > 1 ? ownEarlierAttempt(key, options) : null;
          if (mine != null) {
            return mine;
          }
          throw preconditionFailed(key, options, n > 1, e);
        }
        retryOrThrow(e, n, "PUT", key);
      }
    }
  }

  private static boolean isConditionFailure(SdkException e, PutCondition condition) {
    int status = S3Failures.status(e);
    return status == 412
        || (status == 404
            && condition instanceof PutCondition.IfMatch
            && !"NoSuchBucket".equals(S3Failures.code(e)));
  }

  /** The put's own result when an earlier attempt of it was applied (same put id), else null. */
  private @Nullable PutResult ownEarlierAttempt(String key, PutOptions options) throws IOException {
    String putId = options.metadata().get(PutOptions.PUT_ID);
    if (putId == null) {
      return null;
    }
    Optional<ObjectInfo> now = head(key);
    if (now.isPresent() && putId.equals(now.get().metadata().get(PutOptions.PUT_ID))) {
      ambiguousResolved.increment();
      LOG.debug("put {} of {} met 412 on a retry but had been applied", putId, key);
      return new PutResult(now.get().etag());
    }
    return null;
  }

  private PreconditionFailedException preconditionFailed(
      String key, PutOptions options, boolean resent, SdkException cause) {
    String message =
        (options.condition() instanceof PutCondition.IfMatch m
                ? "object " + key + " in " + uri + " does not have etag " + m.etag()
                : "object " + key + " already exists in " + uri)
            + (resent && !options.metadata().containsKey(PutOptions.PUT_ID)
                ? " (the put was re-sent after a failure and carried no put-id, so an earlier"
                    + " attempt of it may be what is there)"
                : "");
    PreconditionFailedException e = new PreconditionFailedException(key, message);
    e.initCause(cause);
    return e;
  }

  private PutResult multipartPut(String key, String s3Key, Path file, long size, PutOptions options)
      throws IOException {
    long partSize = Math.max(settings.partSizeBytes(), ceilDiv(size, MAX_PARTS));
    CreateMultipartUploadRequest create =
        CreateMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(s3Key)
            .metadata(options.metadata())
            .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
            .overrideConfiguration(timeout(0))
            .build();
    String uploadId =
        call(Kind.PUT, "CreateMultipartUpload", key, () -> client.createMultipartUpload(create))
            .uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int partNumber = 1;
      for (long offset = 0; offset < size; offset += partSize, partNumber++) {
        long length = Math.min(partSize, size - offset);
        UploadPartRequest part =
            UploadPartRequest.builder()
                .bucket(settings.bucket())
                .key(s3Key)
                .uploadId(uploadId)
                .partNumber(partNumber)
                .contentLength(length)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .build();
        long from = offset;
        UploadPartResponse r =
            call(
                Kind.PUT,
                "UploadPart",
                key,
                () ->
                    client.uploadPart(
                        part,
                        RequestBody.fromContentProvider(
                            () -> slice(file, from, length), length, "application/octet-stream")));
        parts.add(
            CompletedPart.builder()
                .partNumber(partNumber)
                .eTag(r.eTag())
                .checksumCRC32C(r.checksumCRC32C())
                .build());
      }
      CompleteMultipartUploadRequest.Builder complete =
          CompleteMultipartUploadRequest.builder()
              .bucket(settings.bucket())
              .key(s3Key)
              .uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())
              .overrideConfiguration(timeout(0));
      switch (options.condition()) {
        case PutCondition.None n -> {}
        case PutCondition.IfAbsent a -> complete.ifNoneMatch("*");
        case PutCondition.IfMatch m -> complete.ifMatch(m.etag());
      }
      CompleteMultipartUploadRequest request = complete.build();
      PutResult result =
          conditionalPut(key, options, () -> client.completeMultipartUpload(request).eTag());
      completed = true;
      return result;
    } finally {
      if (!completed) {
        abort(key, s3Key, uploadId);
      }
    }
  }

  private void abort(String key, String s3Key, String uploadId) {
    try {
      count(Kind.PUT, 1);
      client.abortMultipartUpload(
          AbortMultipartUploadRequest.builder()
              .bucket(settings.bucket())
              .key(s3Key)
              .uploadId(uploadId)
              .build());
    } catch (SdkException e) {
      // Left for the bucket's lifecycle rule on incomplete uploads.
      LOG.warn("could not abort multipart upload {} of {}: {}", uploadId, key, e.getMessage());
    }
  }

  private static InputStream slice(Path file, long offset, long length) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      ch.position(offset);
      InputStream in = Channels.newInputStream(ch);
      return new java.io.FilterInputStream(in) {
        private long left = length;

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = super.read();
          if (b >= 0) {
            left--;
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = super.read(buf, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
          }
          return n;
        }
      };
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ get / head

  @Override
  public byte[] get(String key) throws IOException {
    checkOpen();
    checkKey(key);
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(settings.bucket()).key(settings.prefix() + key).build();
    return call(Kind.GET, "GET", key, () -> client.getObjectAsBytes(request).asByteArrayUnsafe());
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    checkOpen();
    checkKey(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range offset and length must not be negative: offset " + offset + ", length " + length);
    }
    if (length == 0) {
      if (head(key).isEmpty()) {
        throw new NoSuchObjectException(key);
      }
      return EMPTY;
    }
    long last = offset + length - 1;
    GetObjectRequest request =
        GetObjectRequest.builder()
            .bucket(settings.bucket())
            .key(settings.prefix() + key)
            .range("bytes=" + offset + "-" + last)
            .overrideConfiguration(timeout(length))
            .build();
    return call(
        Kind.GET,
        "GET range",
        key,
        () -> {
          try {
            return client.getObjectAsBytes(request).asByteArrayUnsafe();
          } catch (S3Exception e) {
            if (e.statusCode() == 416) {
              return EMPTY; // starts at or past the end
            }
            throw e;
          }
        });
  }

  @Override
  public void getToFile(String key, Path target) throws IOException {
    checkOpen();
    checkKey(key);
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(settings.bucket()).key(settings.prefix() + key).build();
    Path absolute = target.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("no folder for " + target);
    }
    Path partial = parent.resolve(absolute.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      call(
          Kind.GET,
          "GET",
          key,
          () -> {
            try (ResponseInputStream<GetObjectResponse> in = client.getObject(request);
                OutputStream out =
                    Files.newOutputStream(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
              in.transferTo(out);
            } catch (IOException e) {
              throw SdkException.create("download of " + key + " broke off", e);
            }
            return Boolean.TRUE;
          });
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    checkOpen();
    checkKey(key);
    HeadObjectRequest request =
        HeadObjectRequest.builder()
            .bucket(settings.bucket())
            .key(settings.prefix() + key)
            .overrideConfiguration(timeout(0))
            .build();
    Optional<HeadObjectResponse> r =
        call(
            Kind.HEAD,
            "HEAD",
            key,
            () -> {
              try {
                return Optional.of(client.headObject(request));
              } catch (S3Exception e) {
                if (e.statusCode() == 404 && !"NoSuchBucket".equals(S3Failures.code(e))) {
                  return Optional.empty();
                }
                throw e;
              }
            });
    return r.map(
        h ->
            new ObjectInfo(
                key,
                h.contentLength() == null ? 0 : h.contentLength(),
                h.eTag() == null ? "" : h.eTag(),
                h.lastModified() == null ? Instant.EPOCH : h.lastModified(),
                h.metadata()));
  }

  // ------------------------------------------------------------------ list / delete

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    checkOpen();
    if (maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
    }
    return settings.directoryBucket()
        ? listUnsorted(prefix, startAfter, maxKeys)
        : listSorted(prefix, startAfter, maxKeys);
  }

  private ListPage listSorted(String prefix, @Nullable String startAfter, int maxKeys)
      throws IOException {
    ListObjectsV2Request.Builder b =
        ListObjectsV2Request.builder()
            .bucket(settings.bucket())
            .prefix(settings.prefix() + prefix)
            .maxKeys(Math.min(maxKeys, MAX_LIST_PAGE))
            .overrideConfiguration(timeout(0));
    if (startAfter != null) {
      b.startAfter(settings.prefix() + startAfter);
    }
    ListObjectsV2Request request = b.build();
    ListObjectsV2Response r = call(Kind.LIST, "LIST", prefix, () -> client.listObjectsV2(request));
    List<ObjectInfo> page = new ArrayList<>(r.contents().size());
    for (S3Object o : r.contents()) {
      page.add(info(o));
    }
    boolean more = Boolean.TRUE.equals(r.isTruncated()) && !page.isEmpty();
    return new ListPage(page, more ? page.get(page.size() - 1).key() : null);
  }

  /**
   * Directory buckets: prefixes must end in {@code /} and there is no start-after, so the store
   * lists the prefix's folder, filters, and continues with S3's continuation token wrapped in the
   * page's {@code nextStartAfter}.
   */
  private ListPage listUnsorted(String prefix, @Nullable String startAfter, int maxKeys)
      throws IOException {
    String full = settings.prefix() + prefix;
    String folder = full.substring(0, full.lastIndexOf('/') + 1);
    String token =
        startAfter != null && !startAfter.isEmpty() && startAfter.charAt(0) == TOKEN_MARK
            ? startAfter.substring(1)
            : null;
    List<ObjectInfo> page = new ArrayList<>();
    while (true) {
      ListObjectsV2Request.Builder b =
          ListObjectsV2Request.builder()
              .bucket(settings.bucket())
              .maxKeys(Math.min(maxKeys, MAX_LIST_PAGE))
              .overrideConfiguration(timeout(0));
      if (!folder.isEmpty()) {
        b.prefix(folder);
      }
      if (token != null) {
        b.continuationToken(token);
      }
      ListObjectsV2Request request = b.build();
      ListObjectsV2Response r =
          call(Kind.LIST, "LIST", prefix, () -> client.listObjectsV2(request));
      for (S3Object o : r.contents()) {
        if (o.key().startsWith(full)) {
          page.add(info(o));
        }
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
      // Keep going through pages the filter emptied, so a page is empty only at the end.
      if (token == null || !page.isEmpty()) {
        return new ListPage(page, token == null ? null : TOKEN_MARK + token);
      }
    }
  }

  private ObjectInfo info(S3Object o) {
    return new ObjectInfo(
        o.key().substring(settings.prefix().length()),
        o.size() == null ? 0 : o.size(),
        o.eTag() == null ? "" : o.eTag(),
        o.lastModified() == null ? Instant.EPOCH : o.lastModified(),
        Map.of());
  }

  @Override
  public void delete(String key) throws IOException {
    checkOpen();
    checkKey(key);
    DeleteObjectRequest request =
        DeleteObjectRequest.builder()
            .bucket(settings.bucket())
            .key(settings.prefix() + key)
            .overrideConfiguration(timeout(0))
            .build();
    call(
        Kind.DELETE,
        "DELETE",
        key,
        () -> {
          try {
            client.deleteObject(request);
          } catch (S3Exception e) {
            // Some servers answer 404 for a missing key: deleted all the same.
            if (e.statusCode() != 404 || "NoSuchBucket".equals(S3Failures.code(e))) {
              throw e;
            }
          }
          return Boolean.TRUE;
        });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore(" + uri + ")";
  }

  // ------------------------------------------------------------------ retries

  private interface SdkCall<T> {
    T run();
  }

  /** Runs {@code call} with retries; SDK failures become the SPI's exceptions. */
  private <T> T call(Kind kind, String operation, @Nullable String key, SdkCall<T> call)
      throws IOException {
    for (int n = 1; ; n++) {
      count(kind, 1);
      try {
        return call.run();
      } catch (SdkException e) {
        retryOrThrow(e, n, operation, key);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  /** Sleeps before attempt {@code n + 1}, or throws when {@code e} is final or attempts are up. */
  private void retryOrThrow(SdkException e, int n, String operation, @Nullable String key)
      throws IOException {
    if (!S3Failures.retryable(e)) {
      throw failures.translate(e, operation, key);
    }
    if (n >= settings.maxAttempts()) {
      throw new TransientStoreException(
          operation
              + " "
              + uri
              + (key == null ? "" : key)
              + " still failing after "
              + n
              + " attempts ("
              + describe(e)
              + "); for a write the outcome is unknown",
          e);
    }
    retries.increment();
    long cap =
        Math.min(
            settings.maxBackoff().toMillis(),
            settings.baseBackoff().toMillis() << Math.min(n - 1, 20));
    long sleep = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
    LOG.debug(
        "{} {} attempt {} failed ({}), retrying in {} ms", operation, key, n, describe(e), sleep);
    try {
      Thread.sleep(sleep);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      InterruptedIOException io =
          new InterruptedIOException("interrupted while retrying " + operation + " " + key);
      io.initCause(e);
      throw io;
    }
  }

  private static String describe(SdkException e) {
    int status = S3Failures.status(e);
    if (status != 0) {
      String code = S3Failures.code(e);
      return "HTTP " + status + (code == null ? "" : " " + code);
    }
    return String.valueOf(e.getMessage());
  }

  private void count(Kind kind, int n) {
    requests[kind.ordinal()].add(n);
  }

  private AwsRequestOverrideConfiguration timeout(long bodyBytes) {
    AwsRequestOverrideConfiguration.Builder b = AwsRequestOverrideConfiguration.builder();
    if (bodyBytes <= SMALL_TRANSFER_BYTES && !settings.requestTimeout().isZero()) {
      b.apiCallAttemptTimeout(settings.requestTimeout());
    }
    return b.build();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("object store " + uri + " is closed");
    }
  }

  private static void checkKey(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
  }

  private void checkCondition(PutCondition condition) {
    ObjectStoreCapability needed =
        switch (condition) {
          case PutCondition.None n -> null;
          case PutCondition.IfAbsent a -> ObjectStoreCapability.PUT_IF_ABSENT;
          case PutCondition.IfMatch m -> ObjectStoreCapability.PUT_IF_MATCH;
        };
    if (needed != null && !capabilities.contains(needed)) {
      throw new UnsupportedOperationException(uri + " does not support " + needed);
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
