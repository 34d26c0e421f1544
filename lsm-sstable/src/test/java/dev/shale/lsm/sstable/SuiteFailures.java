package dev.shale.lsm.sstable;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs a conformance suite subclass on the Jupiter and jqwik engines and names what failed. */
public final class SuiteFailures {
  private SuiteFailures() {}

  /** The names of the failed tests and properties of {@code suite}, without "()". */
  public static Set<String> of(Class<?> suite) {
    Set<String> failed = new TreeSet<>();
    for (String engine : new String[] {"junit-jupiter", "jqwik"}) {
      EngineExecutionResults results =
          EngineTestKit.engine(engine)
              .selectors(selectClass(suite))
              // a failing property need not be shrunk to prove the suite bites
              .configurationParameter("jqwik.shrinking.default", "OFF")
              .configurationParameter("jqwik.database", "target/jqwik-database-broken")
              .execute();
      results.testEvents().failed().stream()
          .forEach(e -> failed.add(e.getTestDescriptor().getDisplayName().replace("()", "")));
    }
    return failed;
  }
}
