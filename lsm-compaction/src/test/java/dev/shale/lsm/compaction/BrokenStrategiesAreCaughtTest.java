package dev.shale.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.tck.compaction.BrokenCompactionStrategies;
import dev.shale.lsm.tck.compaction.CompactionStrategyConformanceTest;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The conformance suite bites: run against each deliberately broken strategy, the tests that should
 * catch its defect fail.
 */
class BrokenStrategiesAreCaughtTest {

  /** Runs {@code suite} with both engines and returns the names of the failed test methods. */
  private static Set<String> failedTests(Class<?> suite) {
    Set<String> failed = new TreeSet<>();
    for (String engine : new String[] {"junit-jupiter", "jqwik"}) {
      EngineTestKit.engine(engine)
          .selectors(selectClass(suite))
          // The test kit does not read junit-platform.properties; keep jqwik's record of the
          // (expected) failures out of the source tree.
          .configurationParameter("jqwik.database", "target/jqwik-database-broken")
          .execute()
          .testEvents()
          .failed()
          .stream()
          .map(BrokenStrategiesAreCaughtTest::methodName)
          .forEach(failed::add);
    }
    return failed;
  }

  private static String methodName(Event event) {
    return event
        .getTestDescriptor()
        .getSource()
        .filter(MethodSource.class::isInstance)
        .map(source -> ((MethodSource) source).getMethodName())
        .orElse(event.getTestDescriptor().getDisplayName());
  }

  private static void assertCaughtBy(Class<?> suite, String... expected) {
    Set<String> failed = failedTests(suite);
    for (String test : expected) {
      assertTrue(
          failed.contains(test),
          test + " should fail for " + suite.getSimpleName() + "; failed: " + failed);
    }
  }

  @Test
  void pickingCompactingFilesIsCaught() {
    assertCaughtBy(
        PicksCompactingFiles.class, "pickedJobsFollowTheRules", "parallelPicksFollowTheRules");
  }

  @Test
  void tooShallowOutputIsCaught() {
    assertCaughtBy(
        TooShallowOutput.class, "pickedJobsFollowTheRules", "fillRandomStaysWithinBounds");
  }

  @Test
  void ignoringOlderLevel0FilesIsCaught() {
    assertCaughtBy(
        IgnoresOlderLevel0Files.class, "pickedJobsFollowTheRules", "fillRandomStaysWithinBounds");
  }

  @Test
  void neverCompactingIsCaught() {
    assertCaughtBy(
        NeverCompacts.class, "fillRandomStaysWithinBounds", "overwriteStaysWithinBounds");
  }

  /** Leveled, deciding as if nothing were running. */
  public static class PicksCompactingFiles extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.picksCompactingFiles(new LeveledCompactionProvider());
    }
  }

  /** Leveled, one level too shallow. */
  public static class TooShallowOutput extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.tooShallowOutput(new LeveledCompactionProvider());
    }
  }

  /** Tiered, leaving the oldest level-0 input behind. */
  public static class IgnoresOlderLevel0Files extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.ignoresOlderLevel0Files(new TieredCompactionProvider());
    }
  }

  /** Leveled that never compacts. */
  public static class NeverCompacts extends CompactionStrategyConformanceTest {
    @Override
    protected CompactionStrategyProvider provider() {
      return BrokenCompactionStrategies.neverCompacts(new LeveledCompactionProvider());
    }
  }
}
