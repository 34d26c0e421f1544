package dev.shale.lsm.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.tck.wal.BrokenWals;
import dev.shale.lsm.tck.wal.WalConformanceTest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs {@link WalConformanceTest} against each of {@link BrokenWals}' broken logs (wrapping the
 * real provider) and checks that the tests aimed at that defect fail, so the suite is known to
 * bite. The suites are nested classes, which surefire does not run on its own.
 */
class BrokenWalsMetaTest {

  @Test
  void theRealProviderPassesTheSuite() {
    assertEquals(Set.of(), failedTests(Real.class));
  }

  @Test
  void aLogThatDoesNotFsyncFails() {
    assertFailsAtLeast(
        NoFsync.class,
        "syncReachesTheDevice",
        "syncedRecordsSurvivePowerLoss",
        "syncMakesRecordsOfEarlierSessionsDurableToo");
  }

  @Test
  void aLogThatAcceptsATornRecordUnderAbsoluteConsistencyFails() {
    assertFailsAtLeast(
        AcceptsTornRecord.class,
        "absoluteConsistencyRejectsATruncatedTail",
        "zeroFilledTailIsATornTail");
  }

  @Test
  void aLogThatDropsTheLastRecordFails() {
    assertFailsAtLeast(
        DropsLastRecord.class,
        "recordsRoundTripAfterReopen",
        "afterSequenceSkipsOnlyRecordsWhollyAtOrBelowIt",
        "randomBatchSequencesRoundTrip");
  }

  @Test
  void aLogThatReordersRecordsFails() {
    assertFailsAtLeast(
        SwapsLastTwoRecords.class,
        "recordsRoundTripAfterReopen",
        "replayHandsRecordsOverOldestFirstAcrossRollsAndReopens");
  }

  @Test
  void aLogWhoseScanRepairsFails() {
    assertFailsAtLeast(ScanRepairs.class, "scanReadsUpToTheFirstDamageAndChangesNoByte");
  }

  @Test
  void aLogThatIgnoresAfterSequenceFails() {
    assertFailsAtLeast(
        IgnoresAfterSequence.class, "afterSequenceSkipsOnlyRecordsWhollyAtOrBelowIt");
  }

  @Test
  void aLogThatHidesItsCapabilitiesIsCheckedOnTheUnsupportedSide() {
    assertEquals(
        Set.of("lenientModesAreUnsupportedWithoutRecoveryModes"),
        failedTests(HidesCapabilities.class));
    long skippedProperties = run("jqwik", HidesCapabilities.class).testEvents().skipped().count();
    assertEquals(2, skippedProperties, "the capability-gated properties are skipped, not failed");
  }

  private static void assertFailsAtLeast(Class<?> suite, String... expected) {
    Set<String> failed = failedTests(suite);
    assertTrue(
        failed.containsAll(List.of(expected)),
        suite.getSimpleName() + " should fail " + List.of(expected) + " but failed " + failed);
  }

  /** The names of the suite's test methods that failed, across the Jupiter and jqwik engines. */
  private static Set<String> failedTests(Class<?> suite) {
    Set<String> failed = new TreeSet<>();
    for (String engine : List.of("junit-jupiter", "jqwik")) {
      run(engine, suite).testEvents().failed().stream()
          .map(BrokenWalsMetaTest::methodName)
          .forEach(failed::add);
    }
    return failed;
  }

  private static EngineExecutionResults run(String engine, Class<?> suite) {
    return EngineTestKit.engine(engine)
        .selectors(selectClass(suite))
        // Shrinking a failure is wasted time here: that it fails is all this test asks.
        .configurationParameter("jqwik.shrinking.default", "OFF")
        // The kit does not read junit-platform.properties; keep jqwik's database out of the tree.
        .configurationParameter("jqwik.database", "target/jqwik-database-broken-wals")
        .execute();
  }

  private static String methodName(Event event) {
    TestSource source = event.getTestDescriptor().getSource().orElse(null);
    return source instanceof MethodSource method
        ? method.getMethodName()
        : event.getTestDescriptor().getDisplayName();
  }

  static class Real extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return new SegmentedWalProvider();
    }
  }

  static class HidesCapabilities extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.hidesCapabilities(new SegmentedWalProvider());
    }
  }

  static class NoFsync extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.noFsync(new SegmentedWalProvider());
    }
  }

  static class AcceptsTornRecord extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.acceptsTornRecord(new SegmentedWalProvider());
    }
  }

  static class DropsLastRecord extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.dropsLastRecord(new SegmentedWalProvider());
    }
  }

  static class SwapsLastTwoRecords extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.swapsLastTwoRecords(new SegmentedWalProvider());
    }
  }

  static class ScanRepairs extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.scanRepairs(new SegmentedWalProvider());
    }
  }

  static class IgnoresAfterSequence extends WalConformanceTest {
    @Override
    protected WalProvider provider() {
      return BrokenWals.ignoresAfterSequence(new SegmentedWalProvider());
    }
  }
}
