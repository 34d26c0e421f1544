package dev.shale.lsm.tck.memtable;

import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.KillRate;
import dev.shale.lsm.tck.KillRate.Seeded;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memtable suite's kill rate against the seeded bugs of {@link BrokenMemtables}. */
class MemtableKillRateTest {

  @Test
  void everySeededBugIsCaught() {
    KillRate.measure(
        "memtable",
        Reference.class,
        List.of(
            new Seeded(
                "oldest-version-first",
                OldestVersionFirst.class,
                "iteratorVisitsEveryEntryInInternalKeyOrder"),
            new Seeded(
                "lost-tombstones", LostTombstones.class, "tombstonesAreReturnedAsTombstones"),
            new Seeded(
                "ignores-snapshot",
                IgnoresSnapshot.class,
                "getReturnsTheNewestVersionAtOrBelowTheSnapshot"),
            new Seeded(
                "keeps-caller-buffer",
                KeepsCallerBuffer.class,
                "addCopiesKeyAndValueOutOfTheCallersBuffer"),
            new Seeded(
                "racy-entry-count", RacyEntryCount.class, "entryCountLosesNoConcurrentAdd")));
  }

  static class Reference extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return new ReferenceMemtableProvider();
    }
  }

  static class OldestVersionFirst extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.oldestVersionFirst(new ReferenceMemtableProvider());
    }
  }

  static class LostTombstones extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.lostTombstones(new ReferenceMemtableProvider());
    }
  }

  static class IgnoresSnapshot extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.ignoresSnapshot(new ReferenceMemtableProvider());
    }
  }

  static class KeepsCallerBuffer extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.keepsCallerBuffer(new ReferenceMemtableProvider());
    }
  }

  static class RacyEntryCount extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.racyEntryCount(new ReferenceMemtableProvider());
    }
  }
}
