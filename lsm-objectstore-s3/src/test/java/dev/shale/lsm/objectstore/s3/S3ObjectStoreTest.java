package dev.shale.lsm.objectstore.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.objectstore.s3.ScriptedHttpClient.Fault;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.SdkHttpMethod;

/** S3-specific behaviour against S3Proxy: retries, ambiguous puts, errors, multipart, stats. */
class S3ObjectStoreTest {
  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.shared();
  }

  private static Map<String, String> options(String... extra) {
    Map<String, String> o = new HashMap<>(server.options());
    o.put(S3Settings.BASE_BACKOFF_MILLIS, "1");
    o.put(S3Settings.MAX_BACKOFF_MILLIS, "5");
    for (int i = 0; i < extra.length; i += 2) {
      o.put(extra[i], extra[i + 1]);
    }
    return o;
  }

  private record Scripted(S3ObjectStore store, ScriptedHttpClient http) {}

  private static Scripted scripted(String... extra) throws IOException {
    S3Settings settings = S3Settings.parse(S3ProxyServer.freshUri(), options(extra));
    ScriptedHttpClient http = new ScriptedHttpClient(S3ObjectStoreProvider.httpClient(settings));
    return new Scripted(S3ObjectStoreProvider.open(settings, http), http);
  }

  @Test
  void aRetriedIfAbsentPutThatHadBeenAppliedSucceedsByItsPutId() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      s.http().next(SdkHttpMethod.PUT, Fault.RESPONSE_LOST, 1);
      PutResult r = store.put("wal/1", "entry".getBytes(UTF_8), PutOptions.ifAbsent("put-1"));
      assertEquals(r.etag(), store.head("wal/1").orElseThrow().etag());
      S3RequestStats stats = store.stats();
      assertEquals(1, stats.ambiguousPutsResolved());
      assertEquals(1, stats.retries());
      assertEquals(2, stats.puts(), "the lost attempt and the retry that met 412");
    }
  }

  @Test
  void aRetriedIfMatchPutThatHadBeenAppliedSucceedsByItsPutId() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      PutResult first = store.put("m", "1".getBytes(UTF_8), PutOptions.unconditional());
      s.http().next(SdkHttpMethod.PUT, Fault.RESPONSE_LOST, 1);
      store.put(
          "m",
          "2".getBytes(UTF_8),
          new PutOptions(PutCondition.ifMatch(first.etag()), Map.of(PutOptions.PUT_ID, "cas-2")));
      assertArrayEquals("2".getBytes(UTF_8), store.get("m"));
      assertEquals(1, store.stats().ambiguousPutsResolved());
    }
  }

  @Test
  void aRetriedPutWithoutPutIdCannotTellAndSaysSo() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      s.http().next(SdkHttpMethod.PUT, Fault.RESPONSE_LOST, 1);
      PreconditionFailedException e =
          assertThrows(
              PreconditionFailedException.class,
              () -> store.put("wal/1", new byte[1], PutOptions.ifAbsent()));
      assertTrue(e.getMessage().contains("re-sent"), e.getMessage());
    }
  }

  @Test
  void aRetryThatFindsAnotherWritersObjectIsFenced() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      store.put("wal/1", new byte[0], PutOptions.ifAbsent("new-primary"));
      s.http().next(SdkHttpMethod.PUT, Fault.SLOW_DOWN, 1);
      assertThrows(
          PreconditionFailedException.class,
          () -> store.put("wal/1", new byte[5], PutOptions.ifAbsent("old-primary")));
      assertEquals(0, store.head("wal/1").orElseThrow().sizeBytes());
      assertEquals(0, store.stats().ambiguousPutsResolved());
    }
  }

  @Test
  void throttlingAndConflictsAreRetried() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      s.http().next(SdkHttpMethod.PUT, Fault.SLOW_DOWN, 2);
      s.http().next(SdkHttpMethod.PUT, Fault.CONDITIONAL_CONFLICT, 1);
      store.put("k", "v".getBytes(UTF_8), PutOptions.ifAbsent("p"));
      assertEquals(3, store.stats().retries());
      assertEquals(4, store.stats().puts());
      s.http().next(SdkHttpMethod.GET, Fault.SLOW_DOWN, 1);
      assertArrayEquals("v".getBytes(UTF_8), store.get("k"));
    }
  }

  @Test
  void exhaustedRetriesAreTransientAndNothingIsWritten() throws IOException {
    Scripted s = scripted(S3Settings.MAX_ATTEMPTS, "3");
    try (S3ObjectStore store = s.store()) {
      s.http().next(SdkHttpMethod.PUT, Fault.SLOW_DOWN, 3);
      TransientStoreException e =
          assertThrows(
              TransientStoreException.class,
              () -> store.put("k", new byte[1], PutOptions.ifAbsent("p")));
      assertTrue(e.getMessage().contains("503 SlowDown"), e.getMessage());
      assertEquals(Optional.empty(), store.head("k"));
      assertEquals(2, store.stats().retries());
    }
  }

  @Test
  void statsCountEveryKindOfRequest() throws IOException {
    Scripted s = scripted();
    try (S3ObjectStore store = s.store()) {
      S3RequestStats before = store.stats();
      assertEquals(1, before.heads(), "open checks the bucket with HeadBucket");
      store.put("a", new byte[3], PutOptions.unconditional());
      store.get("a");
      store.getRange("a", 1, 1);
      store.head("a");
      store.list("", null, 10);
      store.delete("a");
      S3RequestStats after = store.stats();
      assertEquals(new S3RequestStats(1, 2, 2, 1, 1, 0, 0), after);
      assertEquals(7, after.requests());
      assertEquals(1L, after.asMap().get("delete"));
    }
  }

  @Test
  void largeFilesGoUpInPartsWithTheirCondition(@TempDir Path dir) throws IOException {
    Scripted s =
        scripted(
            S3Settings.MULTIPART_THRESHOLD_BYTES, "6291456", S3Settings.PART_SIZE_BYTES, "5242880");
    try (S3ObjectStore store = s.store()) {
      byte[] data = new byte[12 << 20];
      new Random(5).nextBytes(data);
      Path file = Files.write(dir.resolve("big"), data);
      long putsBefore = store.stats().puts();
      PutResult r = store.putFile("sst/big.sst", file, PutOptions.ifAbsent("sst-put"));
      assertEquals(5, store.stats().puts() - putsBefore, "create, three parts, complete");
      assertEquals(r.etag(), store.head("sst/big.sst").orElseThrow().etag());
      assertEquals("sst-put", store.head("sst/big.sst").orElseThrow().metadata().get("put-id"));
      assertArrayEquals(data, store.get("sst/big.sst"));
      assertThrows(
          PreconditionFailedException.class,
          () -> store.putFile("sst/big.sst", file, PutOptions.ifAbsent("again")));
      Path copy = dir.resolve("copy");
      store.getToFile("sst/big.sst", copy);
      assertArrayEquals(data, Files.readAllBytes(copy));
    }
  }

  @Test
  void aWrongSecretSaysToCheckCredentials() {
    Map<String, String> o = options(S3Settings.SECRET_ACCESS_KEY, "wrong-secret");
    IOException e =
        assertThrows(
            IOException.class, () -> new S3ObjectStoreProvider().open(S3ProxyServer.freshUri(), o));
    assertTrue(e.getMessage().contains("check the credentials and the region"), e.getMessage());
    assertTrue(e.getMessage().contains("403"), e.getMessage());
  }

  @Test
  void aMissingBucketIsNamed() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                new S3ObjectStoreProvider()
                    .open(URI.create("s3://no-such-bucket-here/db"), options()));
    assertTrue(e.getMessage().contains("'no-such-bucket-here' does not exist"), e.getMessage());
  }

  @Test
  void rangesPastTheEndAreEmptyAndMissingObjectsAreReported() throws IOException {
    try (ObjectStore store =
        new S3ObjectStoreProvider().open(S3ProxyServer.freshUri(), options())) {
      store.put("r", "0123".getBytes(UTF_8), PutOptions.unconditional());
      assertArrayEquals(new byte[0], store.getRange("r", 4, 10));
      assertArrayEquals(new byte[0], store.getRange("r", 100, 10));
      assertThrows(NoSuchObjectException.class, () -> store.getRange("nope", 100, 10));
      store.put("e", new byte[0], PutOptions.unconditional());
      assertArrayEquals(new byte[0], store.getRange("e", 0, 10));
    }
  }

  @Test
  void closedStoreRefusesWork() throws IOException {
    ObjectStore store = new S3ObjectStoreProvider().open(S3ProxyServer.freshUri(), options());
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.get("k"));
    assertFalse(store.uri().contains(S3ProxyServer.SECRET_KEY));
  }
}
