package dev.shale.lsm.tck.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import dev.shale.lsm.spi.objectstore.TransientStoreException;
import dev.shale.lsm.tck.Races;
import dev.shale.lsm.tck.TestEngines;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite every {@link ObjectStore} must pass. A store author writes a subclass that
 * implements {@link #newStore()}; the subclass inherits the JUnit tests and the jqwik property.
 *
 * <p>Capabilities are checked on both sides: with {@link ObjectStoreCapability#PUT_IF_ABSENT} the
 * condition works (and exactly one of concurrent creators wins); without it such a put throws
 * {@link UnsupportedOperationException} and writes nothing; likewise for {@code PUT_IF_MATCH},
 * {@code SORTED_LISTING} (order checked, or callers sort) and {@code LIST_START_AFTER} (honoured,
 * or ignored). Tests that cannot apply are skipped with the reason.
 *
 * <p>Transient failures: the tests write through a small helper that retries {@link
 * TransientStoreException} with the same put id, and resolves a later precondition failure by the
 * object's {@link PutOptions#PUT_ID} the way the engine does, so stores that answer some
 * conditional puts with a retryable conflict (S3 Express's 409) still pass.
 *
 * <p>What passing does NOT prove:
 *
 * <ul>
 *   <li>Durability: nothing here cuts power or kills the process; a store that loses acknowledged
 *       writes on a crash passes. Crash tests of the engine and store-specific tests cover that.
 *   <li>Atomicity across processes or hosts: the races run threads of one JVM against one store
 *       instance (or one server); a lock held in process memory is enough to pass.
 *   <li>Concurrency in general: the races run 2 to 4 writers for {@link #raceRounds()} rounds, each
 *       round released by a spinning barrier so the puts overlap; that catches a check-then-write
 *       put every run on two cores, but a rarer interleaving can pass. A pass is evidence, not
 *       proof.
 *   <li>Scale and speed: objects are at most a few MiB, listings a few dozen keys; limits, latency
 *       and throughput are not measured.
 *   <li>Behaviour under faults (timeouts, throttling, ambiguous puts): that needs a fault-injecting
 *       transport for the store's protocol; see {@link FaultInjectingObjectStore} for engine tests.
 * </ul>
 */
public abstract class ObjectStoreConformanceTest {

  // ---------------------------------------------------------------- both engines run

  /** Fails when jqwik's engine is missing, which would silently skip this suite's properties. */
  @Test
  final void jqwikEngineRunsTheProperties() {
    TestEngines.assertJqwikPresent(getClass());
  }

  /** Fails when Jupiter's engine is missing, which would silently skip this suite's tests. */
  @Property(tries = 1)
  final void jupiterEngineRunsTheTests() {
    TestEngines.assertJupiterPresent(getClass());
  }

  private static final Pattern PROVIDER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

  private static final int PAGE = 3;

  private @Nullable ObjectStore store;

  /**
   * A fresh, empty store for one test. Each call must return a store that shares no keys with any
   * store returned before (an S3 suite gives each call a new prefix). The suite closes it.
   */
  protected abstract ObjectStore newStore() throws IOException;

  /**
   * Why this store's server is known not to make {@code If-Match} atomic, or empty when it is. A
   * non-empty reason skips the concurrent compare-and-swap test with that reason; the other
   * If-Match tests still run. Prefer fixing the server (a test wrapper that serialises
   * check-and-write) over using this hook.
   */
  protected Optional<String> ifMatchNotAtomicReason() {
    return Optional.empty();
  }

  /**
   * Why this store's server cannot hold a key next to keys under it ({@code a} and {@code a/b}), or
   * empty when it can, as S3 does. Servers that map keys onto a file system without escaping
   * (S3Proxy's file blob stores) answer such puts with an error. A non-empty reason skips the test
   * of that case and keeps the other tests' keys apart.
   */
  protected Optional<String> keyBesideFolderUnsupportedReason() {
    return Optional.empty();
  }

  /**
   * Rounds of each race test (put-if-absent, If-Match): every round is one key that 2 to 4 threads
   * put at once, and exactly one must win. The default catches a check-then-write store in every
   * run on a two-core machine; lower it only for a remote store where a round costs network round
   * trips, knowing that a narrow race may then pass.
   */
  protected int raceRounds() {
    return 1000;
  }

  /**
   * Bytes of the large objects the suite writes; stores with a smaller limit get a smaller size.
   */
  protected int largeObjectBytes() {
    return 6 << 20;
  }

  /**
   * The provider of the store under test and a URI (with options) at which it opens a store, or
   * empty to skip the provider tests. Return it: the suite then checks the provider's name and
   * schemes, that it is registered for {@link ServiceLoader}, opens a working store, and refuses a
   * URI of another scheme.
   */
  protected Optional<ProviderTarget> providerTarget() {
    return Optional.empty();
  }

  /**
   * A provider and where it opens a store.
   *
   * @param provider the provider of the store under test
   * @param uri a URI of one of its schemes, at which it opens a store (keys the test writes there
   *     are deleted again)
   * @param options the options to open it with
   */
  public record ProviderTarget(ObjectStoreProvider provider, URI uri, Map<String, String> options) {
    public ProviderTarget {
      options = Map.copyOf(options);
    }
  }

  @BeforeEach
  final void openStore() throws IOException {
    store = newStore();
  }

  @AfterEach
  final void closeStore() throws IOException {
    ObjectStore s = store;
    store = null;
    if (s != null) {
      s.close();
    }
  }

  /** The store of the current test. */
  protected final ObjectStore store() {
    ObjectStore s = store;
    if (s == null) {
      throw new IllegalStateException("no store: only available inside a JUnit test");
    }
    return s;
  }

  private boolean has(ObjectStoreCapability capability) {
    return store().capabilities().contains(capability);
  }

  // ---------------------------------------------------------------- declarations

  @Test
  final void declarationsAreConsistent() {
    ObjectStore s = store();
    assertNotNull(s.uri());
    assertFalse(s.uri().isBlank(), "uri() is used in messages and must not be blank");
    assertTrue(s.maxObjectBytes() > 0, "maxObjectBytes() must be positive");
    Set<ObjectStoreCapability> caps = s.capabilities();
    assertNotNull(caps);
    assertEquals(caps, s.capabilities(), "capabilities must not change while a store is open");
    if (caps.contains(ObjectStoreCapability.LIST_START_AFTER)) {
      assertTrue(
          caps.contains(ObjectStoreCapability.SORTED_LISTING),
          "LIST_START_AFTER without SORTED_LISTING is contradictory: pages cannot continue after"
              + " a key in an unsorted listing");
    }
  }

  // ---------------------------------------------------------------- provider

  private ProviderTarget target() {
    Optional<ProviderTarget> target = providerTarget();
    assumeTrue(
        target.isPresent(), "providerTarget() is empty: override it to check the provider too");
    return target.orElseThrow();
  }

  @Test
  final void providerNameAndSchemesAreWellFormed() {
    ProviderTarget target = target();
    ObjectStoreProvider provider = target.provider();
    assertTrue(
        PROVIDER_NAME.matcher(provider.name()).matches(),
        "provider name '" + provider.name() + "' must match " + PROVIDER_NAME);
    Set<String> schemes = provider.schemes();
    assertFalse(schemes.isEmpty(), "a provider handles at least one URI scheme");
    for (String scheme : schemes) {
      assertTrue(
          SCHEME.matcher(scheme).matches(),
          "scheme '" + scheme + "' must be a lower-case URI scheme (" + SCHEME + ")");
    }
    assertTrue(
        schemes.contains(target.uri().getScheme()),
        "the target URI " + target.uri() + " has a scheme the provider does not list: " + schemes);
  }

  @Test
  final void providerIsRegisteredForServiceLoader() {
    ObjectStoreProvider provider = target().provider();
    List<String> found = new ArrayList<>();
    for (ObjectStoreProvider installed : ServiceLoader.load(ObjectStoreProvider.class)) {
      found.add(installed.name());
      if (installed.getClass() == provider.getClass()) {
        assertEquals(provider.name(), installed.name());
        return;
      }
    }
    fail(
        provider.getClass().getName()
            + " is not registered: add it to META-INF/services/"
            + ObjectStoreProvider.class.getName()
            + " (and `provides` in module-info); installed: "
            + found);
  }

  @Test
  final void providerOpensAWorkingStore() throws IOException {
    ProviderTarget target = target();
    String key = "provider-check/" + UUID.randomUUID();
    try (ObjectStore opened = target.provider().open(target.uri(), target.options())) {
      assertFalse(opened.uri().isBlank(), "uri() is used in messages and must not be blank");
      opened.put(key, bytes("opened by the provider"), PutOptions.unconditional());
      assertArrayEquals(bytes("opened by the provider"), opened.get(key));
      opened.delete(key);
      assertEquals(Optional.empty(), opened.head(key));
    }
  }

  @Test
  final void providerRefusesAnotherScheme() {
    ProviderTarget target = target();
    URI foreign = URI.create("shale-no-such-scheme://bucket/prefix");
    assertThrows(
        IllegalArgumentException.class,
        () -> target.provider().open(foreign, target.options()),
        "a URI whose scheme is not in schemes() must be refused");
  }

  // ---------------------------------------------------------------- put / get / head

  @Test
  final void putThenGetReturnsTheBytes() throws IOException {
    byte[] data = bytes("hello object store");
    PutResult r = store().put("k", data, PutOptions.unconditional());
    assertNotNull(r.etag());
    assertFalse(r.etag().isEmpty(), "a put returns the new object's etag");
    assertArrayEquals(data, store().get("k"));
  }

  @Test
  final void putCopiesTheCallersArrayAndGetReturnsAFreshOne() throws IOException {
    byte[] data = bytes("abc");
    store().put("k", data, PutOptions.unconditional());
    data[0] = 'X';
    byte[] first = store().get("k");
    assertArrayEquals(bytes("abc"), first, "the store must not keep the caller's array");
    first[1] = 'Y';
    assertArrayEquals(bytes("abc"), store().get("k"), "get must return an array the caller owns");
  }

  @Test
  final void headReportsSizeEtagAndTime() throws IOException {
    byte[] data = bytes("twelve bytes");
    PutResult r = store().put("dir/k", data, PutOptions.unconditional());
    ObjectInfo info = store().head("dir/k").orElseThrow(() -> new AssertionError("head empty"));
    assertEquals("dir/k", info.key());
    assertEquals(data.length, info.sizeBytes());
    assertEquals(r.etag(), info.etag(), "head's etag is the etag the put returned");
    assertNotNull(info.lastModified());
  }

  @Test
  final void unconditionalPutReplacesContentAndEtag() throws IOException {
    PutResult first = store().put("k", bytes("one"), PutOptions.unconditional());
    PutResult second = store().put("k", bytes("two, longer"), PutOptions.unconditional());
    assertNotEquals(first.etag(), second.etag(), "different content must get a different etag");
    assertArrayEquals(bytes("two, longer"), store().get("k"));
    assertEquals(11, store().head("k").orElseThrow().sizeBytes());
  }

  @Test
  final void sameLengthOverwritesGetNewEtags() throws IOException {
    // Puts of equal-length content follow each other within a millisecond here, so an etag made of
    // size and modification time repeats; the etag must follow the content.
    String previous = store().put("e", bytes("content-00"), PutOptions.unconditional()).etag();
    String first = previous;
    for (int i = 1; i < 40; i++) {
      String etag =
          store()
              .put("e", bytes(String.format("content-%02d", i)), PutOptions.unconditional())
              .etag();
      assertNotEquals(
          previous, etag, "overwrite " + i + " with new content of the same length kept the etag");
      assertEquals(etag, store().head("e").orElseThrow().etag(), "head's etag is the last put's");
      previous = etag;
    }
    if (has(ObjectStoreCapability.PUT_IF_MATCH)) {
      String stale = first;
      assertThrows(
          PreconditionFailedException.class,
          () ->
              store()
                  .put(
                      "e",
                      bytes("content-xx"),
                      new PutOptions(PutCondition.ifMatch(stale), Map.of())),
          "an If-Match with the etag of replaced content must fail");
      assertArrayEquals(bytes("content-39"), store().get("e"));
    }
  }

  @Test
  final void missingObjectsAreReportedAsSuch() throws IOException {
    NoSuchObjectException e = assertThrows(NoSuchObjectException.class, () -> store().get("nope"));
    assertEquals("nope", e.key());
    assertThrows(NoSuchObjectException.class, () -> store().getRange("nope", 0, 10));
    assertThrows(NoSuchObjectException.class, () -> store().getRange("nope", 0, 0));
    assertEquals(Optional.empty(), store().head("nope"));
  }

  @Test
  final void keysAreDistinctFromTheirPrefixes() throws IOException {
    Optional<String> unsupported = keyBesideFolderUnsupportedReason();
    assumeTrue(unsupported.isEmpty(), () -> unsupported.orElse(""));
    // "a" and "a/b" coexist in S3; a store that maps keys to files must not confuse them.
    store().put("a", bytes("file a"), PutOptions.unconditional());
    store().put("a/b", bytes("file a/b"), PutOptions.unconditional());
    store().put("a/b/c", bytes("file a/b/c"), PutOptions.unconditional());
    assertArrayEquals(bytes("file a"), store().get("a"));
    assertArrayEquals(bytes("file a/b"), store().get("a/b"));
    assertArrayEquals(bytes("file a/b/c"), store().get("a/b/c"));
    store().delete("a/b");
    assertArrayEquals(bytes("file a"), store().get("a"));
    assertArrayEquals(bytes("file a/b/c"), store().get("a/b/c"));
    assertEquals(Optional.empty(), store().head("a/b"));
  }

  @Test
  final void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> store().get(""));
    assertThrows(IllegalArgumentException.class, () -> store().head(""));
    assertThrows(IllegalArgumentException.class, () -> store().delete(""));
    assertThrows(IllegalArgumentException.class, () -> store().getRange("", 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> store().put("", new byte[1], PutOptions.unconditional()));
    assertThrows(IllegalArgumentException.class, () -> store().getRange("k", -1, 1));
    assertThrows(IllegalArgumentException.class, () -> store().getRange("k", 0, -1));
    assertThrows(IllegalArgumentException.class, () -> store().list("", null, 0));
    assertThrows(IllegalArgumentException.class, () -> store().list("", null, -1));
  }

  // ---------------------------------------------------------------- metadata

  @Test
  final void metadataRoundTripsThroughHead() throws IOException {
    Map<String, String> meta = Map.of("writer", "node-1", PutOptions.PUT_ID, "p-123");
    store().put("m", bytes("x"), new PutOptions(PutCondition.none(), meta));
    assertEquals(meta, store().head("m").orElseThrow().metadata());

    store().put("m", bytes("y"), new PutOptions(PutCondition.none(), Map.of("writer", "node-2")));
    assertEquals(
        Map.of("writer", "node-2"),
        store().head("m").orElseThrow().metadata(),
        "a replacing put replaces the metadata, it does not merge it");

    store().put("plain", bytes("z"), PutOptions.unconditional());
    assertEquals(Map.of(), store().head("plain").orElseThrow().metadata());
  }

  @Test
  final void conditionalPutsStoreTheirPutId() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    String putId = UUID.randomUUID().toString();
    store().put("fence", new byte[0], PutOptions.ifAbsent(putId));
    assertEquals(putId, store().head("fence").orElseThrow().metadata().get(PutOptions.PUT_ID));
  }

  // ---------------------------------------------------------------- if-absent

  @Test
  final void ifAbsentCreatesAMissingObject() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    PutResult r = store().put("new", bytes("v1"), PutOptions.ifAbsent());
    assertArrayEquals(bytes("v1"), store().get("new"));
    assertEquals(r.etag(), store().head("new").orElseThrow().etag());
  }

  @Test
  final void ifAbsentOnAnExistingObjectFailsAndChangesNothing() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    PutResult original =
        store()
            .put("taken", bytes("original"), new PutOptions(PutCondition.none(), Map.of("a", "1")));
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class,
            () -> store().put("taken", bytes("intruder"), PutOptions.ifAbsent("other-writer")));
    assertEquals("taken", e.key());
    assertArrayEquals(bytes("original"), store().get("taken"));
    ObjectInfo info = store().head("taken").orElseThrow();
    assertEquals(original.etag(), info.etag());
    assertEquals(Map.of("a", "1"), info.metadata());
  }

  @Test
  final void ifAbsentOnAnEmptyObjectFails() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    // An empty object is a fence in the engine's protocol: it must count as present.
    store().put("fence", new byte[0], PutOptions.ifAbsent("first"));
    assertThrows(
        PreconditionFailedException.class,
        () -> store().put("fence", bytes("late wal"), PutOptions.ifAbsent("second")));
    assertArrayEquals(new byte[0], store().get("fence"));
  }

  @Test
  final void ifAbsentSucceedsAgainAfterDelete() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    store().put("k", bytes("1"), PutOptions.ifAbsent());
    store().delete("k");
    store().put("k", bytes("2"), PutOptions.ifAbsent());
    assertArrayEquals(bytes("2"), store().get("k"));
  }

  @Test
  final void ifAbsentWithoutTheCapabilityIsUnsupported() throws IOException {
    assumeFalse(has(ObjectStoreCapability.PUT_IF_ABSENT), "store declares PUT_IF_ABSENT");
    assertThrows(
        UnsupportedOperationException.class,
        () -> store().put("k", bytes("v"), PutOptions.ifAbsent()));
    assertEquals(Optional.empty(), store().head("k"), "an unsupported put must write nothing");
  }

  // ---------------------------------------------------------------- if-match

  @Test
  final void ifMatchWithTheCurrentEtagReplaces() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_MATCH), "store does not declare PUT_IF_MATCH");
    PutResult first = store().put("cas", bytes("1"), PutOptions.unconditional());
    PutResult second =
        store()
            .put(
                "cas",
                bytes("2"),
                new PutOptions(PutCondition.ifMatch(first.etag()), Map.of("v", "2")));
    assertArrayEquals(bytes("2"), store().get("cas"));
    ObjectInfo info = store().head("cas").orElseThrow();
    assertEquals(second.etag(), info.etag());
    assertEquals(Map.of("v", "2"), info.metadata());
  }

  @Test
  final void ifMatchWithAStaleEtagFailsAndChangesNothing() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_MATCH), "store does not declare PUT_IF_MATCH");
    PutResult stale = store().put("cas", bytes("1"), PutOptions.unconditional());
    PutResult current = store().put("cas", bytes("22"), PutOptions.unconditional());
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class,
            () ->
                store()
                    .put(
                        "cas",
                        bytes("333"),
                        new PutOptions(PutCondition.ifMatch(stale.etag()), Map.of())));
    assertEquals("cas", e.key());
    assertArrayEquals(bytes("22"), store().get("cas"));
    assertEquals(current.etag(), store().head("cas").orElseThrow().etag());
  }

  @Test
  final void ifMatchOnAMissingObjectFails() throws IOException {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_MATCH), "store does not declare PUT_IF_MATCH");
    PutResult gone = store().put("cas", bytes("1"), PutOptions.unconditional());
    store().delete("cas");
    assertThrows(
        PreconditionFailedException.class,
        () ->
            store()
                .put(
                    "cas",
                    bytes("2"),
                    new PutOptions(PutCondition.ifMatch(gone.etag()), Map.of())));
    assertEquals(Optional.empty(), store().head("cas"));
  }

  @Test
  final void ifMatchWithoutTheCapabilityIsUnsupported() throws IOException {
    assumeFalse(has(ObjectStoreCapability.PUT_IF_MATCH), "store declares PUT_IF_MATCH");
    PutResult r = store().put("cas", bytes("1"), PutOptions.unconditional());
    assertThrows(
        UnsupportedOperationException.class,
        () ->
            store()
                .put("cas", bytes("2"), new PutOptions(PutCondition.ifMatch(r.etag()), Map.of())));
    assertArrayEquals(bytes("1"), store().get("cas"), "an unsupported put must write nothing");
  }

  // ---------------------------------------------------------------- ranged reads

  @Test
  final void rangedReadsFollowTheContract() throws IOException {
    byte[] data = bytes("0123456789");
    store().put("r", data, PutOptions.unconditional());
    assertArrayEquals(bytes("234"), store().getRange("r", 2, 3));
    assertArrayEquals(bytes("0123456789"), store().getRange("r", 0, 10));
    assertArrayEquals(bytes("789"), store().getRange("r", 7, 100), "short at the end");
    assertArrayEquals(bytes("9"), store().getRange("r", 9, 1), "the last byte");
    assertArrayEquals(new byte[0], store().getRange("r", 10, 5), "offset == size is empty");
    assertArrayEquals(new byte[0], store().getRange("r", 11, 5), "past the end is empty");
    assertArrayEquals(new byte[0], store().getRange("r", 1L << 40, 5), "far past the end");
    assertArrayEquals(new byte[0], store().getRange("r", 3, 0), "zero length is empty");
  }

  // ---------------------------------------------------------------- empty and large objects

  @Test
  final void emptyObjectsAreObjects(@TempDir Path dir) throws IOException {
    store().put("empty", new byte[0], PutOptions.unconditional());
    assertArrayEquals(new byte[0], store().get("empty"));
    assertArrayEquals(new byte[0], store().getRange("empty", 0, 10));
    assertEquals(0, store().head("empty").orElseThrow().sizeBytes());
    ListPage page = store().list("", null, 10);
    assertEquals(List.of("empty"), keys(page));
    assertEquals(0, page.objects().get(0).sizeBytes());
    Path target = dir.resolve("empty.out");
    Files.write(target, bytes("stale partial download"));
    store().getToFile("empty", target);
    assertEquals(0, Files.size(target));
    Path source = Files.write(dir.resolve("empty.in"), new byte[0]);
    store().putFile("empty-from-file", source, PutOptions.unconditional());
    assertEquals(0, store().head("empty-from-file").orElseThrow().sizeBytes());
  }

  @Test
  final void largeObjectsRoundTrip(@TempDir Path dir) throws IOException {
    int size = (int) Math.min(largeObjectBytes(), store().maxObjectBytes());
    byte[] data = randomBytes(size, 42);
    store().put("big/bytes", data, PutOptions.unconditional());
    assertArrayEquals(data, store().get("big/bytes"));
    assertEquals(size, store().head("big/bytes").orElseThrow().sizeBytes());
    int mid = size / 2;
    assertArrayEquals(
        Arrays.copyOfRange(data, mid, mid + 4096), store().getRange("big/bytes", mid, 4096));

    Path source = Files.write(dir.resolve("source"), randomBytes(size, 7));
    PutOptions create =
        has(ObjectStoreCapability.PUT_IF_ABSENT)
            ? PutOptions.ifAbsent(UUID.randomUUID().toString())
            : PutOptions.unconditional();
    PutResult r = store().putFile("big/file", source, create);
    assertEquals(r.etag(), store().head("big/file").orElseThrow().etag());
    Path target = dir.resolve("target");
    Files.write(target, randomBytes(size + 1000, 3)); // a longer partial file must be replaced
    store().getToFile("big/file", target);
    assertEquals(Files.size(source), Files.size(target));
    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target));
    if (has(ObjectStoreCapability.PUT_IF_ABSENT)) {
      assertThrows(
          PreconditionFailedException.class,
          () -> store().putFile("big/file", source, PutOptions.ifAbsent("another")));
    }
  }

  @Test
  final void getToFileOfAMissingObjectThrows(@TempDir Path dir) {
    assertThrows(NoSuchObjectException.class, () -> store().getToFile("nope", dir.resolve("x")));
  }

  // ---------------------------------------------------------------- listing

  @Test
  final void listingReturnsKeysUnderThePrefixWithSizes() throws IOException {
    store().put("wal/001", bytes("a"), PutOptions.unconditional());
    store().put("wal/002", bytes("bb"), PutOptions.unconditional());
    store().put("wal/010", bytes("ccc"), PutOptions.unconditional());
    store().put("manifest/001", bytes("dddd"), PutOptions.unconditional());
    store().put("walrus", bytes("e"), PutOptions.unconditional());
    // Keys that hold the prefix later on: a prefix matches at the start only.
    store().put("x/wal/003", bytes("f"), PutOptions.unconditional());
    store().put("awal/004", bytes("g"), PutOptions.unconditional());

    Map<String, Long> sizes = new HashMap<>();
    for (ObjectInfo o : listAll("wal/", 1000)) {
      sizes.put(o.key(), o.sizeBytes());
      assertFalse(o.etag().isEmpty(), "listed objects carry their etag");
    }
    assertEquals(Map.of("wal/001", 1L, "wal/002", 2L, "wal/010", 3L), sizes);
    assertEquals(Set.of("wal/001", "wal/002", "wal/010", "walrus"), keySet(listAll("wal", 1000)));
    assertEquals(Set.of("wal/001", "wal/002"), keySet(listAll("wal/00", 1000)));
    assertEquals(7, listAll("", 1000).size());
    assertEquals(Set.of(), keySet(listAll("sst/", 1000)));
    assertEquals(Set.of("x/wal/003"), keySet(listAll("x/", 1000)));
  }

  @Test
  final void listingOfNothingIsOneEmptyLastPage() throws IOException {
    ListPage page = store().list("nothing/", null, 10);
    assertEquals(List.of(), page.objects());
    assertNull(page.nextStartAfter());
  }

  @Test
  final void sortedListingIsInKeyOrder() throws IOException {
    assumeTrue(has(ObjectStoreCapability.SORTED_LISTING), "store does not declare SORTED_LISTING");
    // '-' (0x2d) < '/' (0x2f) < '0' (0x30): a store that walks directories gets this wrong.
    List<String> keys =
        keyBesideFolderUnsupportedReason().isEmpty()
            ? List.of("a", "a-1", "a/b", "a/b/c", "a0", "b", "b/a")
            : List.of("a-1", "a/b", "a0", "b", "c/a");
    for (String k : shuffled(keys, 5)) {
      store().put(k, bytes(k), PutOptions.unconditional());
    }
    assertEquals(keys, keys(store().list("", null, 100)));
    List<String> paged = new ArrayList<>();
    for (ObjectInfo o : listAll("", PAGE)) {
      paged.add(o.key());
    }
    assertEquals(keys, paged, "pages concatenate in key order");
  }

  @Test
  final void paginationReturnsEveryKeyExactlyOnce() throws IOException {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 17; i++) {
      String k = String.format("p/%03d", i * 7 % 17);
      store().put(k, bytes(k), PutOptions.unconditional());
      expected.add(k);
    }
    store().put("q/other", bytes("x"), PutOptions.unconditional());
    List<String> seen = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      ListPage page = store().list("p/", next, PAGE);
      assertTrue(page.objects().size() <= PAGE, "a page has at most maxKeys objects");
      seen.addAll(keys(page));
      next = page.nextStartAfter();
      pages++;
      assertTrue(pages <= 100, "listing does not terminate: nextStartAfter keeps coming back");
    } while (next != null);
    assertEquals(expected.size(), seen.size(), "no key twice: " + seen);
    assertEquals(expected, new HashSet<>(seen));
    assertTrue(pages >= 6, "17 keys in pages of 3 need at least 6 pages, got " + pages);
  }

  @Test
  final void startAfterSkipsKeysUpToAndIncludingIt() throws IOException {
    assumeTrue(
        has(ObjectStoreCapability.LIST_START_AFTER), "store does not declare LIST_START_AFTER");
    for (String k : List.of("w/01", "w/02", "w/03", "w/05", "w/07")) {
      store().put(k, bytes(k), PutOptions.unconditional());
    }
    assertEquals(List.of("w/03", "w/05", "w/07"), keys(store().list("w/", "w/02", 10)));
    assertEquals(
        List.of("w/05", "w/07"),
        keys(store().list("w/", "w/04", 10)),
        "startAfter need not be an existing key");
    assertEquals(List.of(), keys(store().list("w/", "w/07", 10)));
    assertEquals(5, store().list("w/", "a", 10).objects().size(), "startAfter before the prefix");
    assertEquals(List.of(), keys(store().list("w/", "x", 10)), "startAfter after the prefix");
  }

  @Test
  final void startAfterIsIgnoredWithoutTheCapability() throws IOException {
    assumeFalse(has(ObjectStoreCapability.LIST_START_AFTER), "store declares LIST_START_AFTER");
    for (String k : List.of("w/01", "w/02", "w/03")) {
      store().put(k, bytes(k), PutOptions.unconditional());
    }
    // A key the store never handed out as nextStartAfter: the documented behaviour is to ignore it.
    Set<String> listed = keySet(store().list("w/", "w/99", 10).objects());
    assertEquals(Set.of("w/01", "w/02", "w/03"), listed);
  }

  // ---------------------------------------------------------------- delete

  @Test
  final void deleteIsIdempotent() throws IOException {
    store().delete("never-existed");
    store().put("d", bytes("x"), PutOptions.unconditional());
    store().delete("d");
    store().delete("d");
    assertThrows(NoSuchObjectException.class, () -> store().get("d"));
    assertEquals(Optional.empty(), store().head("d"));
    assertEquals(List.of(), keys(store().list("", null, 10)));
  }

  @Test
  final void deleteRemovesOnlyThatKey() throws IOException {
    store().put("x/1", bytes("1"), PutOptions.unconditional());
    store().put("x/2", bytes("2"), PutOptions.unconditional());
    store().delete("x/1");
    assertEquals(Set.of("x/2"), keySet(listAll("x/", 10)));
    assertArrayEquals(bytes("2"), store().get("x/2"));
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  final void closeIsIdempotent() throws IOException {
    ObjectStore other = newStore();
    other.close();
    other.close();
  }

  // ---------------------------------------------------------------- races

  @Test
  final void concurrentIfAbsentPutsHaveExactlyOneWinner() throws Exception {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_ABSENT), "store does not declare PUT_IF_ABSENT");
    List<Set<String>> winners =
        race(
            (round, putId) ->
                putResolvingRetries("race/" + round, bytes(putId), PutOptions.ifAbsent(putId)));
    checkOneWinnerPerRound("race/", "if-absent", winners);
  }

  @Test
  final void concurrentIfMatchPutsOfOneEtagHaveExactlyOneWinner() throws Exception {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_MATCH), "store does not declare PUT_IF_MATCH");
    Optional<String> notAtomic = ifMatchNotAtomicReason();
    assumeTrue(notAtomic.isEmpty(), () -> "If-Match is not atomic here: " + notAtomic.orElse(""));
    String[] etags = new String[raceRounds()];
    for (int round = 0; round < etags.length; round++) {
      etags[round] = store().put("cas/" + round, bytes("base"), PutOptions.unconditional()).etag();
    }
    List<Set<String>> winners =
        race(
            (round, putId) ->
                putResolvingRetries(
                    "cas/" + round,
                    bytes(putId),
                    new PutOptions(
                        PutCondition.ifMatch(etags[round]), Map.of(PutOptions.PUT_ID, putId))));
    checkOneWinnerPerRound("cas/", "If-Match", winners);
  }

  /** One racer's put in one round; throws {@link PreconditionFailedException} when it loses. */
  @FunctionalInterface
  private interface RacingPut {
    void put(int round, String putId) throws IOException;
  }

  /**
   * Runs {@link #raceRounds()} rounds in which {@link Races#racers()} threads, started together,
   * put at once, and returns the put ids of each round's winners.
   */
  private List<Set<String>> race(RacingPut put) throws Exception {
    List<Set<String>> winners = new ArrayList<>();
    for (int round = 0; round < raceRounds(); round++) {
      winners.add(ConcurrentHashMap.newKeySet());
    }
    Races.run(
        raceRounds(),
        (round, racer) -> {
          String putId = "round-" + round + "-racer-" + racer;
          try {
            put.put(round, putId);
            winners.get(round).add(putId);
          } catch (PreconditionFailedException e) {
            // lost this round
          }
        });
    return winners;
  }

  private void checkOneWinnerPerRound(String prefix, String what, List<Set<String>> winners)
      throws IOException {
    List<String> bad = new ArrayList<>();
    for (int round = 0; round < winners.size(); round++) {
      if (winners.get(round).size() != 1) {
        bad.add("round " + round + " (" + prefix + round + "): winners " + winners.get(round));
      }
    }
    assertTrue(
        bad.isEmpty(),
        () ->
            "in "
                + bad.size()
                + " of "
                + winners.size()
                + " rounds of "
                + Races.racers()
                + " concurrent "
                + what
                + " puts of one key, not exactly one won (the check and the write are not one atomic"
                + " step); first: "
                + bad.get(0));
    for (int round = 0; round < winners.size(); round++) {
      String key = prefix + round;
      Set<String> won = winners.get(round);
      String winner = won.iterator().next();
      ObjectInfo info = store().head(key).orElseThrow();
      assertEquals(winner, info.metadata().get(PutOptions.PUT_ID), "the winner's put id is stored");
      assertArrayEquals(bytes(winner), store().get(key), "the content is the winner's");
    }
  }

  @Test
  final void concurrentIfMatchIncrementsLoseNoUpdate() throws Exception {
    assumeTrue(has(ObjectStoreCapability.PUT_IF_MATCH), "store does not declare PUT_IF_MATCH");
    Optional<String> notAtomic = ifMatchNotAtomicReason();
    assumeTrue(notAtomic.isEmpty(), () -> "If-Match is not atomic here: " + notAtomic.orElse(""));
    int threads = 4;
    int increments = 8;
    store().put("counter", bytes("0"), PutOptions.unconditional());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger conflicts = new AtomicInteger();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      // head first: if the object changes before the get, the put's etag is stale
                      // and fails, so a value is never paired with a newer etag.
                      String etag = store().head("counter").orElseThrow().etag();
                      int value = Integer.parseInt(str(store().get("counter")));
                      PutOptions cas =
                          new PutOptions(
                              PutCondition.ifMatch(etag),
                              Map.of(PutOptions.PUT_ID, UUID.randomUUID().toString()));
                      try {
                        putResolvingRetries("counter", bytes(Integer.toString(value + 1)), cas);
                        break;
                      } catch (PreconditionFailedException e) {
                        conflicts.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        Integer.toString(threads * increments),
        str(store().get("counter")),
        "an If-Match increment was lost (" + conflicts.get() + " conflicts seen)");
  }

  // ---------------------------------------------------------------- model property

  /** One step of the model property. */
  sealed interface Step {
    String key();
  }

  /** An unconditional put. */
  record Put(String key, byte[] value) implements Step {
    @Override
    public String toString() {
      return "put(" + key + ", " + value.length + " bytes)";
    }
  }

  /** A put-if-absent (only run by stores that declare it). */
  record PutIfAbsent(String key, byte[] value) implements Step {
    @Override
    public String toString() {
      return "putIfAbsent(" + key + ", " + value.length + " bytes)";
    }
  }

  /** A delete. */
  record Delete(String key) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<String> keys =
        keyBesideFolderUnsupportedReason().isEmpty()
            ? Arbitraries.of(
                "a",
                "a/b",
                "a/b/c",
                "a-b",
                "b",
                "wal/00001",
                "wal/00002",
                "wal/00010",
                "x/wal/00003",
                "z")
            : Arbitraries.of(
                "a-b", "b", "c/d/e", "wal/00001", "wal/00002", "wal/00010", "x/wal/00003", "z");
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<Step> put = Combinators.combine(keys, values).as(Put::new);
    Arbitrary<Step> putIfAbsent = Combinators.combine(keys, values).as(PutIfAbsent::new);
    Arbitrary<Step> delete = keys.map(Delete::new);
    return Arbitraries.frequencyOf(Tuple.of(4, put), Tuple.of(2, putIfAbsent), Tuple.of(2, delete))
        .list()
        .ofMaxSize(24);
  }

  @Property(tries = 25, shrinking = ShrinkingMode.BOUNDED)
  final void randomPutsAndDeletesMatchATreeMapModel(@ForAll("steps") List<Step> steps)
      throws IOException {
    try (ObjectStore s = newStore()) {
      boolean ifAbsent = s.capabilities().contains(ObjectStoreCapability.PUT_IF_ABSENT);
      TreeMap<String, byte[]> model = new TreeMap<>();
      Set<String> touched = new HashSet<>();
      for (Step step : steps) {
        touched.add(step.key());
        switch (step) {
          case Put p -> {
            s.put(p.key(), p.value(), PutOptions.unconditional());
            model.put(p.key(), p.value());
          }
          case PutIfAbsent p -> {
            if (!ifAbsent) {
              continue;
            }
            boolean absent = !model.containsKey(p.key());
            try {
              s.put(p.key(), p.value(), PutOptions.ifAbsent());
              assertTrue(absent, "if-absent put of an existing key " + p.key() + " succeeded");
              model.put(p.key(), p.value());
            } catch (PreconditionFailedException e) {
              assertFalse(absent, "if-absent put of a missing key " + p.key() + " failed");
            }
          }
          case Delete d -> {
            s.delete(d.key());
            model.remove(d.key());
          }
        }
      }
      for (String key : touched) {
        byte[] expected = model.get(key);
        if (expected == null) {
          assertThrows(NoSuchObjectException.class, () -> s.get(key), key);
          assertEquals(Optional.empty(), s.head(key), key);
        } else {
          assertArrayEquals(expected, s.get(key), key);
          assertEquals(expected.length, s.head(key).orElseThrow().sizeBytes(), key);
        }
      }
      List<String> listed = new ArrayList<>();
      for (ObjectInfo o : listAll(s, "", PAGE)) {
        listed.add(o.key());
        byte[] expected = model.get(o.key());
        assertNotNull(expected, "listed a key that does not exist: " + o.key());
        assertEquals(expected.length, o.sizeBytes(), o.key());
      }
      if (!s.capabilities().contains(ObjectStoreCapability.SORTED_LISTING)) {
        listed.sort(null);
      }
      assertEquals(new ArrayList<>(model.keySet()), listed);
      List<String> wal = new ArrayList<>();
      for (ObjectInfo o : listAll(s, "wal/", PAGE)) {
        wal.add(o.key());
      }
      wal.sort(null);
      assertEquals(new ArrayList<>(model.subMap("wal/", "wal0").keySet()), wal);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Puts like a careful caller: a {@link TransientStoreException} is retried with the same options
   * (and so the same put id); a precondition failure after such a retry is resolved by reading the
   * object's put id, since the earlier attempt may have been applied.
   */
  private PutResult putResolvingRetries(String key, byte[] data, PutOptions options)
      throws IOException {
    String putId = options.metadata().get(PutOptions.PUT_ID);
    TransientStoreException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        return store().put(key, data, options);
      } catch (TransientStoreException e) {
        last = e;
        pause(attempt);
      } catch (PreconditionFailedException e) {
        if (last != null && putId != null) {
          Optional<ObjectInfo> now = store().head(key);
          if (now.isPresent() && putId.equals(now.get().metadata().get(PutOptions.PUT_ID))) {
            return new PutResult(now.get().etag());
          }
        }
        throw e;
      }
    }
    throw new AssertionError("put of " + key + " kept failing transiently", last);
  }

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(1L + new Random().nextInt(1 << Math.min(attempt, 6)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private List<ObjectInfo> listAll(String prefix, int pageSize) throws IOException {
    return listAll(store(), prefix, pageSize);
  }

  private static List<ObjectInfo> listAll(ObjectStore s, String prefix, int pageSize)
      throws IOException {
    List<ObjectInfo> all = new ArrayList<>();
    String next = null;
    for (int pages = 0; ; pages++) {
      if (pages > 10_000) {
        fail("listing of " + prefix + " does not terminate");
      }
      ListPage page = s.list(prefix, next, pageSize);
      for (ObjectInfo o : page.objects()) {
        assertTrue(o.key().startsWith(prefix), o.key() + " listed under " + prefix);
      }
      all.addAll(page.objects());
      next = page.nextStartAfter();
      if (next == null) {
        return all;
      }
    }
  }

  private static List<String> keys(ListPage page) {
    List<String> keys = new ArrayList<>();
    for (ObjectInfo o : page.objects()) {
      keys.add(o.key());
    }
    return keys;
  }

  private static Set<String> keySet(List<ObjectInfo> objects) {
    Set<String> keys = new HashSet<>();
    for (ObjectInfo o : objects) {
      assertTrue(keys.add(o.key()), "listed twice: " + o.key());
    }
    return keys;
  }

  private static List<String> shuffled(List<String> keys, long seed) {
    List<String> copy = new ArrayList<>(keys);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
