package dev.shale.lsm.objectstore.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.objectstore.BrokenObjectStores;
import dev.shale.lsm.tck.objectstore.ObjectStoreConformanceTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The conformance suite bites: run against each deliberately broken store, the named tests fail.
 * The suites of broken stores are nested classes so surefire does not run them on their own.
 */
class BrokenObjectStoresMetaTest {
  /**
   * The test kit reads neither Surefire's parameters nor junit-platform.properties: keep jqwik's
   * record of the (expected) failures under target/.
   */
  private static final String JQWIK_DATABASE = "target/jqwik-database-broken";

  private static ObjectStore memory() {
    return new MemoryObjectStoreProvider().open(URI.create("mem://" + UUID.randomUUID()), Map.of());
  }

  static class IfAbsentOverwrites extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.ifAbsentOverwrites(memory());
    }
  }

  static class IfMatchIgnoresEtag extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.ifMatchIgnoresEtag(memory());
    }
  }

  static class ListingDropsKeys extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.listingDropsKeys(memory());
    }
  }

  static class ListingUnsortedButClaimsSorted extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.listingUnsortedButClaimsSorted(memory());
    }
  }

  static class DeleteNotIdempotent extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.deleteNotIdempotent(memory());
    }
  }

  static class MetadataLost extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.metadataLost(memory());
    }
  }

  static class RangePastEndFails extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.rangePastEndFails(memory());
    }
  }

  private static List<String> failedTests(String engine, Class<?> suite) {
    Events tests =
        EngineTestKit.engine(engine)
            .selectors(selectClass(suite))
            .configurationParameter("jqwik.database", JQWIK_DATABASE)
            .execute()
            .testEvents();
    List<String> failed = new ArrayList<>();
    for (Event e : tests.failed().list()) {
      failed.add(e.getTestDescriptor().getDisplayName());
    }
    return failed;
  }

  @ParameterizedTest
  @ValueSource(
      classes = {
        IfAbsentOverwrites.class,
        IfMatchIgnoresEtag.class,
        ListingDropsKeys.class,
        ListingUnsortedButClaimsSorted.class,
        DeleteNotIdempotent.class,
        MetadataLost.class,
        RangePastEndFails.class
      })
  void theSuiteFailsABrokenStore(Class<?> suite) {
    List<String> failed = failedTests("junit-jupiter", suite);
    assertTrue(!failed.isEmpty(), suite.getSimpleName() + " passed the suite");
  }

  @Test
  void eachBreakageIsCaughtByTheTestAboutIt() {
    assertTrue(
        failedTests("junit-jupiter", IfAbsentOverwrites.class)
            .contains("ifAbsentOnAnExistingObjectFailsAndChangesNothing()"));
    assertTrue(
        failedTests("junit-jupiter", IfMatchIgnoresEtag.class)
            .contains("ifMatchWithAStaleEtagFailsAndChangesNothing()"));
    assertTrue(
        failedTests("junit-jupiter", ListingUnsortedButClaimsSorted.class)
            .contains("sortedListingIsInKeyOrder()"));
    assertTrue(
        failedTests("junit-jupiter", DeleteNotIdempotent.class).contains("deleteIsIdempotent()"));
    assertTrue(
        failedTests("junit-jupiter", MetadataLost.class)
            .contains("metadataRoundTripsThroughHead()"));
    assertTrue(
        failedTests("junit-jupiter", RangePastEndFails.class)
            .contains("rangedReadsFollowTheContract()"));
    assertTrue(
        failedTests("junit-jupiter", ListingDropsKeys.class)
            .contains("paginationReturnsEveryKeyExactlyOnce()"));
  }

  @Test
  void theModelPropertyCatchesLostKeysAndOverwritingCreates() {
    for (Class<?> suite : List.of(ListingDropsKeys.class, IfAbsentOverwrites.class)) {
      Events tests =
          EngineTestKit.engine("jqwik")
              .selectors(selectClass(suite))
              .configurationParameter("jqwik.database", JQWIK_DATABASE)
              .execute()
              .testEvents();
      assertEquals(1, tests.failed().count(), suite.getSimpleName() + " passed the property");
    }
  }
}
