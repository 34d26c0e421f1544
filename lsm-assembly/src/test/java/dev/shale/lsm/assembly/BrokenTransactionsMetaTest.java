package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.tck.txn.BrokenTransactions;
import dev.shale.lsm.tck.txn.TransactionConformanceTest;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves that the transaction conformance suite bites: run against each deliberately broken
 * provider, the tests aimed at that flaw fail, under JUnit Jupiter and jqwik. The broken suites are
 * nested classes, which surefire does not run by itself.
 */
class BrokenTransactionsMetaTest {

  @Test
  void missingValidationIsCaught() {
    assertFailures(
        SkipsValidation.class,
        Set.of(
            "firstCommitterWinsOnAWrittenKeyAndTheLoserWritesNothing",
            "aChangedReadKeyConflictsOnlyUnderSerializable",
            "writeSkewIsAllowedBySnapshotIsolationAndRefusedBySerializable"),
        true);
  }

  @Test
  void missingReadValidationIsCaught() {
    assertFailures(
        SkipsReadValidation.class,
        Set.of(
            "aChangedReadKeyConflictsOnlyUnderSerializable",
            "readingAnAbsentKeyThatIsThenInsertedConflictsUnderSerializable",
            "anInsertIntoAScannedRangeIsAPhantomUnderSerializable",
            "writeSkewIsAllowedBySnapshotIsolationAndRefusedBySerializable"),
        // The random model property finds a missed read conflict only in some runs (it needs a
        // read key changed by a concurrent commit); the targeted tests above catch it every time.
        false);
  }

  @Test
  void ignoredOwnWritesAreCaught() {
    assertFailures(
        IgnoresOwnWrites.class,
        Set.of(
            "readsSeeOwnWritesOverTheSnapshot",
            "iteratorsMergeOwnWritesHideOwnDeletesAndHonourBoundsAndPrefix",
            "arraysAreCopiedInAndOut"),
        true);
  }

  @Test
  void leakedSnapshotsAreCaught() {
    assertFailures(LeaksSnapshots.class, Set.of("snapshotsAreReleasedWhenTransactionsEnd"), false);
  }

  @Test
  void theWorkingProviderPassesUnderTheTestKitToo() {
    EngineExecutionResults jupiter = run("junit-jupiter", Working.class);
    assertEquals(0, jupiter.testEvents().failed().count(), () -> failedNames(jupiter).toString());
    assertTrue(jupiter.testEvents().succeeded().count() > 15);
    EngineExecutionResults jqwik = run("jqwik", Working.class);
    assertEquals(0, jqwik.testEvents().failed().count(), () -> failedNames(jqwik).toString());
    // the model property and the check that Jupiter's engine is present
    assertEquals(2, jqwik.testEvents().succeeded().count());
  }

  private static void assertFailures(Class<?> suite, Set<String> mustFail, boolean modelMustFail) {
    EngineExecutionResults jupiter = run("junit-jupiter", suite);
    Set<String> failed = failedNames(jupiter);
    assertTrue(
        failed.containsAll(mustFail),
        suite.getSimpleName() + ": expected failures of " + mustFail + ", got " + failed);
    if (modelMustFail) {
      EngineExecutionResults jqwik = run("jqwik", suite);
      assertEquals(
          Set.of("randomTransactionsAgreeWithTheModel"),
          failedNames(jqwik),
          suite.getSimpleName() + ": the model property must fail");
    }
  }

  private static EngineExecutionResults run(String engine, Class<?> suite) {
    return EngineTestKit.engine(engine)
        .selectors(selectClass(suite))
        // The test kit reads neither Surefire's parameters nor junit-platform.properties: keep
        // jqwik's record of the (expected) failures under target/.
        .configurationParameter("jqwik.database", "target/jqwik-database-broken")
        .execute();
  }

  private static Set<String> failedNames(EngineExecutionResults results) {
    Set<String> names = new TreeSet<>();
    for (Event e : results.testEvents().failed().list()) {
      TestDescriptor d = e.getTestDescriptor();
      d.getSource()
          .filter(MethodSource.class::isInstance)
          .map(MethodSource.class::cast)
          .ifPresent(m -> names.add(m.getMethodName()));
    }
    return names;
  }

  private static TransactionProvider optimistic() {
    return ProviderRegistry.installed(TransactionProvider.class).get(Shale.DEFAULT_TRANSACTIONS);
  }

  private static Db open(Path directory, UnaryOperator<TransactionProvider> breaker) {
    return Shale.builder(directory).transactions(breaker.apply(optimistic())).open();
  }

  static class Working extends TransactionConformanceTest {
    @Override
    protected Db openDb(Path directory) {
      return open(directory, UnaryOperator.identity());
    }
  }

  static class SkipsValidation extends TransactionConformanceTest {
    @Override
    protected Db openDb(Path directory) {
      return open(directory, BrokenTransactions::skipsValidation);
    }
  }

  static class SkipsReadValidation extends TransactionConformanceTest {
    @Override
    protected Db openDb(Path directory) {
      return open(directory, BrokenTransactions::skipsReadValidation);
    }
  }

  static class IgnoresOwnWrites extends TransactionConformanceTest {
    @Override
    protected Db openDb(Path directory) {
      return open(directory, BrokenTransactions::ignoresOwnWrites);
    }
  }

  static class LeaksSnapshots extends TransactionConformanceTest {
    @Override
    protected Db openDb(Path directory) {
      return open(directory, BrokenTransactions::leaksSnapshots);
    }
  }
}
