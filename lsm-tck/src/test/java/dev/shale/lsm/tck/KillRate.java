package dev.shale.lsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Measures a conformance suite's kill rate: it runs the suite, under both engines, against a
 * correct reference plugin (which must pass) and against each seeded bug (whose named tests must
 * fail), prints the rate per SPI, and fails unless every bug is caught in every run. {@code
 * -Dshale.tck.killRuns=N} repeats the whole measurement N times (default 1), to show that races are
 * caught every run and not by luck.
 */
public final class KillRate {
  private KillRate() {}

  /**
   * One seeded bug.
   *
   * @param bug its name
   * @param suite the conformance suite subclass whose provider has the bug
   * @param mustFail the suite's test methods aimed at it, each of which must fail
   */
  public record Seeded(String bug, Class<?> suite, Set<String> mustFail) {
    public Seeded(String bug, Class<?> suite, String... mustFail) {
      this(bug, suite, Set.of(mustFail));
    }
  }

  /** Runs the measurement for {@code spi}; see the class comment. */
  public static void measure(String spi, Class<?> reference, List<Seeded> bugs) {
    int runs = Integer.getInteger("shale.tck.killRuns", 1);
    Map<String, Integer> caught = new LinkedHashMap<>();
    List<String> misses = new ArrayList<>();
    for (Seeded seeded : bugs) {
      caught.put(seeded.bug(), 0);
    }
    for (int run = 1; run <= runs; run++) {
      List<String> referenceFailures = new ArrayList<>();
      long passed = 0;
      for (EngineExecutionResults results : execute(reference)) {
        for (Event e : results.testEvents().failed().list()) {
          referenceFailures.add(
              e.getTestDescriptor().getDisplayName()
                  + ": "
                  + e.getPayload(TestExecutionResult.class)
                      .flatMap(TestExecutionResult::getThrowable)
                      .map(Throwable::toString)
                      .orElse("?"));
        }
        passed += results.testEvents().succeeded().count();
      }
      assertEquals(
          List.of(), referenceFailures, spi + ": the reference plugin must pass its suite");
      assertTrue(passed > 5, spi + ": the reference run executed almost nothing");
      for (Seeded seeded : bugs) {
        Set<String> failed = new TreeSet<>();
        for (EngineExecutionResults results : execute(seeded.suite())) {
          failed.addAll(failedMethods(results));
        }
        if (failed.containsAll(seeded.mustFail())) {
          caught.merge(seeded.bug(), 1, Integer::sum);
        } else {
          misses.add(
              "run "
                  + run
                  + ": "
                  + seeded.bug()
                  + " expected "
                  + seeded.mustFail()
                  + " to fail; failed: "
                  + failed);
        }
      }
    }
    if (bugs.isEmpty()) {
      System.out.printf(Locale.ROOT, "[kill rate] %s: the plugin passes its suite%n", spi);
      return;
    }
    long killed = caught.values().stream().filter(c -> c == runs).count();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "[kill rate] %s: %d of %d seeded bugs caught in every one of %d run(s) (%.0f%%)%n",
            spi,
            killed,
            bugs.size(),
            runs,
            100.0 * killed / bugs.size()));
    for (Seeded seeded : bugs) {
      report.append(
          String.format(
              Locale.ROOT,
              "[kill rate]   %-32s caught %d/%d by %s%n",
              seeded.bug(),
              caught.get(seeded.bug()),
              runs,
              seeded.mustFail()));
    }
    System.out.print(report);
    assertTrue(misses.isEmpty(), spi + ": seeded bugs that escaped:\n" + String.join("\n", misses));
  }

  private static List<EngineExecutionResults> execute(Class<?> suite) {
    List<EngineExecutionResults> all = new ArrayList<>();
    for (String engine : List.of("junit-jupiter", "jqwik")) {
      all.add(
          EngineTestKit.engine(engine)
              .selectors(selectClass(suite))
              // The test kit does not read junit-platform.properties; keep jqwik's record of the
              // (expected) failures in target/ and do not let one run replay the last one's seeds.
              .configurationParameter("jqwik.database", "target/jqwik-database-kill-rate")
              .configurationParameter("jqwik.failures.runfirst", "false")
              .configurationParameter("jqwik.shrinking.default", "OFF")
              .configurationParameter("jqwik.reporting.onlyfailures", "true")
              .execute());
    }
    return all;
  }

  private static Set<String> failedMethods(EngineExecutionResults results) {
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
}
