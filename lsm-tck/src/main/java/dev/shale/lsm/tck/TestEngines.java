package dev.shale.lsm.tck;

/**
 * Checks that both test engines the suites need are on the test class path. A suite's JUnit Jupiter
 * tests and jqwik properties run on two different JUnit Platform engines, and a missing engine does
 * not fail a build: its tests are silently not run. Each suite therefore has a Jupiter test that
 * needs jqwik and a jqwik property that needs Jupiter, so a missing engine fails the build by name.
 * {@code lsm-tck} depends on both engines; they go missing only when a build excludes them or pins
 * its own test dependencies.
 */
public final class TestEngines {
  private static final String JQWIK = "net.jqwik.engine.JqwikTestEngine";
  private static final String JUPITER = "org.junit.jupiter.engine.JupiterTestEngine";

  private TestEngines() {}

  /**
   * Throws {@link AssertionError} naming the fix when jqwik's engine is missing, so the
   * {@code @Property} tests of {@code suite} would not run.
   */
  public static void assertJqwikPresent(Class<?> suite) {
    assertPresent(JQWIK, suite, "@Property", "net.jqwik:jqwik-engine");
  }

  /**
   * Throws {@link AssertionError} naming the fix when JUnit Jupiter's engine is missing, so the
   * {@code @Test} tests of {@code suite} would not run.
   */
  public static void assertJupiterPresent(Class<?> suite) {
    assertPresent(JUPITER, suite, "@Test", "org.junit.jupiter:junit-jupiter-engine");
  }

  private static void assertPresent(
      String engineClass, Class<?> suite, String annotation, String artifact) {
    ClassLoader loader = suite.getClassLoader();
    try {
      Class.forName(engineClass, false, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(
          "the test engine "
              + engineClass
              + " is not on the test class path, so the "
              + annotation
              + " tests of "
              + suite.getName()
              + " are silently skipped. lsm-tck depends on "
              + artifact
              + ": remove the exclusion or test-scope override that drops it, or import the"
              + " dev.shale:lsm-plugin-parent POM for matching versions.",
          e);
    }
  }
}
