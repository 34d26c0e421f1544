package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.tck.KillRate;
import dev.shale.lsm.tck.KillRate.Seeded;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The object store suite's kill rate against the seeded bugs of {@link BrokenObjectStores}. */
class ObjectStoreKillRateTest {
  private static final ReferenceObjectStoreProvider PROVIDER = new ReferenceObjectStoreProvider();
  private static final URI URI = java.net.URI.create("refmem://kill-rate");

  private static ObjectStore fresh() {
    return PROVIDER.open(URI, Map.of());
  }

  @Test
  void everySeededBugIsCaught() {
    KillRate.measure(
        "object store",
        Reference.class,
        List.of(
            new Seeded(
                "if-absent-overwrites",
                IfAbsentOverwrites.class,
                "ifAbsentOnAnExistingObjectFailsAndChangesNothing"),
            new Seeded(
                "if-match-ignores-etag",
                IfMatchIgnoresEtag.class,
                "ifMatchWithAStaleEtagFailsAndChangesNothing"),
            new Seeded(
                "listing-drops-keys",
                ListingDropsKeys.class,
                "paginationReturnsEveryKeyExactlyOnce"),
            new Seeded("listing-unsorted", ListingUnsorted.class, "sortedListingIsInKeyOrder"),
            new Seeded("delete-not-idempotent", DeleteNotIdempotent.class, "deleteIsIdempotent"),
            new Seeded("metadata-lost", MetadataLost.class, "metadataRoundTripsThroughHead"),
            new Seeded(
                "range-past-end-fails", RangePastEndFails.class, "rangedReadsFollowTheContract"),
            new Seeded(
                "prefix-matches-anywhere",
                PrefixAnywhere.class,
                "listingReturnsKeysUnderThePrefixWithSizes"),
            new Seeded(
                "check-then-put",
                CheckThenPut.class,
                "concurrentIfAbsentPutsHaveExactlyOneWinner",
                "concurrentIfMatchPutsOfOneEtagHaveExactlyOneWinner"),
            new Seeded(
                "etag-from-size-and-time",
                EtagFromSizeAndTime.class,
                "sameLengthOverwritesGetNewEtags")));
  }

  static class Reference extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return fresh();
    }

    @Override
    protected Optional<ProviderTarget> providerTarget() {
      return Optional.of(new ProviderTarget(PROVIDER, URI, Map.of()));
    }
  }

  static class IfAbsentOverwrites extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.ifAbsentOverwrites(fresh());
    }
  }

  static class IfMatchIgnoresEtag extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.ifMatchIgnoresEtag(fresh());
    }
  }

  static class ListingDropsKeys extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.listingDropsKeys(fresh());
    }
  }

  static class ListingUnsorted extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.listingUnsortedButClaimsSorted(fresh());
    }
  }

  static class DeleteNotIdempotent extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.deleteNotIdempotent(fresh());
    }
  }

  static class MetadataLost extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.metadataLost(fresh());
    }
  }

  static class RangePastEndFails extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.rangePastEndFails(fresh());
    }
  }

  static class PrefixAnywhere extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.listMatchesPrefixAnywhere(fresh());
    }
  }

  static class CheckThenPut extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.checkThenPut(fresh());
    }
  }

  static class EtagFromSizeAndTime extends ObjectStoreConformanceTest {
    @Override
    protected ObjectStore newStore() {
      return BrokenObjectStores.etagFromSizeAndTime(fresh());
    }
  }
}
