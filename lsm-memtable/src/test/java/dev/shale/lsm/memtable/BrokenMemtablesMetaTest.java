package dev.shale.lsm.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.tck.memtable.BrokenMemtables;
import dev.shale.lsm.tck.memtable.MemtableConformanceTest;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves that the conformance suite bites: run against each deliberately broken memtable, the tests
 * aimed at that flaw fail, under both the JUnit Jupiter and the jqwik engine. The broken suites are
 * nested classes, which surefire does not run by itself.
 */
class BrokenMemtablesMetaTest {

  @Test
  void oldestVersionFirstIsCaught() {
    assertFailures(
        OldestVersionFirst.class,
        Set.of(
            "tombstonesAreReturnedAsTombstones",
            "manyVersionsOfOneKey",
            "iteratorVisitsEveryEntryInInternalKeyOrder",
            "sequencesUpToTheMaximumOrderNewestFirst"),
        true);
  }

  @Test
  void lostTombstonesAreCaught() {
    assertFailures(
        LostTombstones.class,
        Set.of("tombstonesAreReturnedAsTombstones", "entryCountCountsEveryAdd"),
        true);
  }

  @Test
  void ignoredSnapshotIsCaught() {
    assertFailures(
        IgnoresSnapshot.class,
        Set.of("getReturnsTheNewestVersionAtOrBelowTheSnapshot", "manyVersionsOfOneKey"),
        true);
  }

  @Test
  void keptCallerBufferIsCaught() {
    assertFailures(
        KeepsCallerBuffer.class, Set.of("addCopiesKeyAndValueOutOfTheCallersBuffer"), true);
  }

  @Test
  void theWorkingMemtablesPassUnderTheTestKitToo() {
    // The same harness on a correct memtable: failures above are the flaws', not the harness's.
    EngineExecutionResults jupiter = run("junit-jupiter", WorkingSkipList.class);
    assertEquals(0, jupiter.testEvents().failed().count(), () -> failedNames(jupiter).toString());
    assertTrue(jupiter.testEvents().succeeded().count() > 10);
    EngineExecutionResults jqwik = run("jqwik", WorkingSkipList.class);
    assertEquals(0, jqwik.testEvents().failed().count(), () -> failedNames(jqwik).toString());
    assertEquals(
        2, jqwik.testEvents().succeeded().count()); // the model property and the engine check
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
          Set.of("behavesLikeASortedSetOfInternalKeys"),
          failedNames(jqwik),
          suite.getSimpleName() + ": the model property must fail");
    }
  }

  private static EngineExecutionResults run(String engine, Class<?> suite) {
    return EngineTestKit.engine(engine)
        .selectors(selectClass(suite))
        .configurationParameter("jqwik.database", "target/jqwik-database-broken")
        .configurationParameter("jqwik.failures.runfirst", "false")
        .configurationParameter("jqwik.shrinking.default", "OFF")
        .configurationParameter("jqwik.reporting.onlyfailures", "true")
        .execute();
  }

  private static Set<String> failedNames(EngineExecutionResults results) {
    Set<String> names = new TreeSet<>();
    results.testEvents().failed().stream()
        .map(Event::getTestDescriptor)
        .map(TestDescriptor::getSource)
        .flatMap(java.util.Optional::stream)
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .forEach(names::add);
    return names;
  }

  static class OldestVersionFirst extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.oldestVersionFirst(new SkipListMemtableProvider());
    }
  }

  static class LostTombstones extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.lostTombstones(new VectorMemtableProvider());
    }
  }

  static class IgnoresSnapshot extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.ignoresSnapshot(new SkipListMemtableProvider());
    }
  }

  static class KeepsCallerBuffer extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return BrokenMemtables.keepsCallerBuffer(new VectorMemtableProvider());
    }
  }

  static class WorkingSkipList extends MemtableConformanceTest {
    @Override
    protected MemtableProvider provider() {
      return new SkipListMemtableProvider();
    }
  }
}
