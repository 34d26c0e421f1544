package dev.shale.lsm.tck.compaction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.JobRules;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import dev.shale.lsm.tck.TestEngines;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The conformance suite for a {@link CompactionStrategyProvider}. A strategy author extends it and
 * implements {@link #provider()}; jqwik runs the properties and JUnit Jupiter the simulations.
 *
 * <p>What it checks:
 *
 * <ul>
 *   <li>On random valid trees (levels, files, key and sequence ranges, compacting files and running
 *       jobs), every job the strategy picks passes {@link JobRules}, also when jobs are picked
 *       while earlier picks are running; the strategy's estimates are well formed; an empty tree
 *       needs no job; the same tree always gets the same decision, from any thread; {@link
 *       CompactionStrategy#pendingCompactionBytes} is positive whenever a job that rewrites data is
 *       picked and zero when none is.
 *   <li>A {@link CompactionSimulator} drives the strategy through long flush sequences (fill-random
 *       and overwrite), applying each picked job at once: every job is valid, the strategy settles
 *       after each flush, and the tree stays within the declared {@link StrategyBounds} (level-0
 *       files and sorted runs always; space amplification once the tree holds at least {@link
 *       #SPACE_CHECK_FACTOR} times the larger of {@code maxBytesForLevelBase} and a level-0
 *       trigger's worth of flushes). Write and space amplification are printed and kept as JUnit
 *       report entries; write amplification must stay under a generous {@link
 *       #MAX_WRITE_AMPLIFICATION}, and within {@link #WRITE_AMPLIFICATION_WARNING} of it a warning
 *       is printed.
 *   <li>Starting from shapes typical of the other kind of strategy (a single huge bottom run or a
 *       few tiered runs; many leveled levels), the strategy settles within a bounded number of jobs
 *       and the tree meets the bounds from then on, under more flushes.
 *   <li>With jobs running while flushes go on, every job is valid when picked and its output fits
 *       the tree when it completes.
 * </ul>
 *
 * <p>What passing does NOT prove: that the engine runs the jobs correctly (merging, tombstones,
 * snapshots, atomic installation); that the strategy is fast enough on trees with many thousands of
 * files; that its decisions are good for real key distributions, value sizes, deletes or range
 * scans (the simulator's even-density key model is coarse and ignores tombstones); that the bounds
 * hold while jobs are still running, which {@link StrategyBounds} does not promise; thread-safety
 * beyond a smoke test; or anything about options other than the few sets used here.
 */
public abstract class CompactionStrategyConformanceTest {

  // ---------------------------------------------------------------- both engines run

  /** Fails when jqwik's engine is missing, which would silently skip this suite's properties. */
  @Test
  public final void jqwikEngineRunsTheProperties() {
    TestEngines.assertJqwikPresent(getClass());
  }

  /** Fails when Jupiter's engine is missing, which would silently skip this suite's tests. */
  @Property(tries = 1)
  public final void jupiterEngineRunsTheTests() {
    TestEngines.assertJupiterPresent(getClass());
  }

  /** Space amplification is checked once the tree is this many times the base level and L0. */
  protected static final int SPACE_CHECK_FACTOR = 16;

  /** Write amplification above this fails the simulation: a generous sanity bound. */
  protected static final double MAX_WRITE_AMPLIFICATION = 50;

  /** A write amplification within this fraction of the limit is reported as a warning. */
  protected static final double WRITE_AMPLIFICATION_WARNING = 0.10;

  private static final long MIB = 1L << 20;
  private static final long ENTRY_BYTES = 116;
  private static final long FLUSH_BYTES = 64 * MIB;
  private static final long WRITES_PER_FLUSH = FLUSH_BYTES / ENTRY_BYTES;

  /** Jobs a strategy may pick in a row before the suite fails it for never settling. */
  private static final int MAX_JOBS_PER_FLUSH = 2_000;

  private static final int PROPERTY_TRIES = 150;

  /** The implementation under test. */
  protected abstract CompactionStrategyProvider provider();

  /**
   * The option sets the simulations run with: RocksDB's defaults; a small, eager tree; and a
   * shallow tree with a high trigger, where much of the data lives in level 0.
   */
  private static List<CompactionOptions> simulationOptions() {
    return List.of(
        CompactionOptions.defaults(7),
        new CompactionOptions(5, 3, 128 * MIB, 4, true, 32 * MIB, 100, 10),
        new CompactionOptions(4, 8, 256 * MIB, 8, true, 32 * MIB, 150, 5));
  }

  // ------------------------------------------------------------------ properties on random trees

  @Provide
  Arbitrary<CompactionOptions> options() {
    return Combinators.combine(
            Arbitraries.integers().between(2, 8),
            Arbitraries.integers().between(1, 8),
            Arbitraries.longs().between(MIB, 1024 * MIB),
            Arbitraries.integers().between(2, 12),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 16),
            Arbitraries.integers().between(25, 400),
            Arbitraries.integers().between(0, 30))
        .as(
            (levels, trigger, base, multiplier, dynamic, filesPerBase, amp, ratio) ->
                new CompactionOptions(
                    levels,
                    trigger,
                    base,
                    multiplier,
                    dynamic,
                    Math.max(1, base / filesPerBase),
                    amp,
                    ratio));
  }

  @Provide
  Arbitrary<RandomTrees.Spec> trees() {
    return Combinators.combine(
            options(),
            Arbitraries.longs(),
            Arbitraries.integers().between(0, 12),
            Arbitraries.integers().between(1, 12),
            Arbitraries.of(0, 0, 10, 30),
            Arbitraries.integers().between(0, 3))
        .as(RandomTrees.Spec::new);
  }

  private CompactionStrategy strategy(CompactionOptions options) {
    try {
      return provider().create(options);
    } catch (IllegalArgumentException e) {
      Assume.that(false); // the provider does not support these options, as it may
      throw e;
    }
  }

  @Property(tries = PROPERTY_TRIES)
  public void pickedJobsFollowTheRules(@ForAll("trees") RandomTrees.Spec spec) {
    TreeShape tree = spec.build();
    Optional<CompactionJob> job = strategy(spec.options()).pickJob(tree);
    job.ifPresent(j -> assertValid(tree, j));
  }

  @Property(tries = PROPERTY_TRIES)
  public void parallelPicksFollowTheRules(@ForAll("trees") RandomTrees.Spec spec) {
    CompactionStrategy strategy = strategy(spec.options());
    TreeShape tree = spec.idle().build();
    for (int picks = 0; picks < 16; picks++) {
      Optional<CompactionJob> job = strategy.pickJob(tree);
      if (job.isEmpty()) {
        return;
      }
      assertValid(tree, job.get());
      tree = withRunning(tree, job.get());
    }
  }

  @Property(tries = PROPERTY_TRIES)
  public void decisionsAreDeterministic(@ForAll("trees") RandomTrees.Spec spec) {
    CompactionStrategy first = strategy(spec.options());
    CompactionStrategy second = strategy(spec.options());
    TreeShape tree = spec.build();
    TreeShape sameTree = spec.build();
    Optional<CompactionJob> job = first.pickJob(tree);
    assertEquals(job, first.pickJob(tree), "asked twice about the same tree");
    assertEquals(job, second.pickJob(sameTree), "asked about an equal tree");
    assertEquals(first.pendingCompactionBytes(tree), second.pendingCompactionBytes(sameTree));
    assertArrayEquals(first.levelTargetBytes(tree), second.levelTargetBytes(sameTree));
  }

  @Property(tries = PROPERTY_TRIES)
  public void estimatesAreWellFormed(@ForAll("trees") RandomTrees.Spec spec) {
    CompactionStrategy strategy = strategy(spec.options());
    TreeShape tree = spec.build();
    assertTrue(strategy.pendingCompactionBytes(tree) >= 0, "pending compaction bytes < 0");
    long[] targets = strategy.levelTargetBytes(tree);
    assertEquals(tree.numLevels(), targets.length, "one level target per level");
    for (long target : targets) {
      assertTrue(target >= 0, "negative level target");
    }
  }

  /**
   * {@link CompactionStrategy#pendingCompactionBytes} is the engine's measure of compaction debt
   * (it stalls writers on it), so it must agree with the picks: on a tree with nothing running, a
   * strategy that picks a job rewriting data owes bytes, and one that picks nothing owes none.
   */
  @Property(tries = PROPERTY_TRIES)
  public void pendingBytesAgreeWithThePicks(@ForAll("trees") RandomTrees.Spec spec) {
    CompactionStrategy strategy = strategy(spec.options());
    TreeShape tree = spec.idle().build();
    Optional<CompactionJob> job = strategy.pickJob(tree);
    long pending = strategy.pendingCompactionBytes(tree);
    if (job.isEmpty()) {
      assertEquals(
          0,
          pending,
          "no job is picked, so no compaction is pending, but pendingCompactionBytes is "
              + pending
              + " on tree:\n"
              + RandomTrees.describe(tree));
    } else if (rewrites(job.get())) {
      assertTrue(
          pending > 0,
          "the strategy picks "
              + job.get()
              + " which rewrites data, yet pendingCompactionBytes is "
              + pending
              + " (the engine's stalls on pending compaction would never engage) on tree:\n"
              + RandomTrees.describe(tree));
    }
  }

  /** Whether {@code job} rewrites data: not a drop, and not a single file moved deeper. */
  private static boolean rewrites(CompactionJob job) {
    if (job.isDrop()) {
      return false;
    }
    return job.inputFileIds().size() > 1 || job.inputs().get(0).level() == job.outputLevel();
  }

  @Property(tries = 50)
  public void emptyTreeNeedsNoJob(@ForAll("options") CompactionOptions options) {
    CompactionStrategy strategy = strategy(options);
    List<LevelShape> levels = new ArrayList<>();
    for (int level = 0; level < options.numLevels(); level++) {
      levels.add(new LevelShape(level, List.of()));
    }
    TreeShape empty = new TreeShape(levels, Set.of(), List.of());
    assertEquals(Optional.empty(), strategy.pickJob(empty));
    assertEquals(0, strategy.pendingCompactionBytes(empty));
    assertEquals(options.numLevels(), strategy.levelTargetBytes(empty).length);
  }

  @Test
  public void boundsAreConsistent() {
    for (CompactionOptions options : simulationOptions()) {
      StrategyBounds bounds = provider().create(options).bounds();
      assertNotNull(bounds);
      assertTrue(bounds.maxLevel0Files() >= 0, "maxLevel0Files < 0: " + bounds);
      assertTrue(bounds.maxSortedRuns() >= 0, "maxSortedRuns < 0: " + bounds);
      double amp = bounds.maxSpaceAmplification();
      assertTrue(
          amp == 0 || (amp >= 1 && !Double.isInfinite(amp)),
          "space amplification is at least 1 by definition; 0 means no promise: " + bounds);
      if (bounds.maxSortedRuns() > 0 && bounds.maxLevel0Files() > 0) {
        // Each level-0 file is a sorted run: a smaller run bound makes the file bound a lie.
        assertTrue(
            bounds.maxLevel0Files() <= bounds.maxSortedRuns(),
            "more level-0 files allowed than sorted runs: " + bounds);
      }
    }
  }

  @Test
  public void concurrentCallsAgreeWithSequentialOnes() throws Exception {
    CompactionOptions options = CompactionOptions.defaults(7);
    CompactionStrategy strategy = provider().create(options);
    List<TreeShape> trees = new ArrayList<>();
    for (long seed = 0; seed < 64; seed++) {
      trees.add(new RandomTrees.Spec(options, seed, (int) (seed % 10), 8, 10, 1).build());
    }
    List<Optional<CompactionJob>> expected = new ArrayList<>();
    for (TreeShape tree : trees) {
      expected.add(strategy.pickJob(tree));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Optional<CompactionJob>>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  List<Optional<CompactionJob>> jobs = new ArrayList<>();
                  for (TreeShape tree : trees) {
                    jobs.add(strategy.pickJob(tree));
                  }
                  return jobs;
                }));
      }
      for (Future<List<Optional<CompactionJob>>> result : results) {
        assertEquals(expected, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ simulations

  @Test
  public void fillRandomStaysWithinBounds(TestReporter reporter) {
    int flushes = 240;
    for (CompactionOptions options : simulationOptions()) {
      CompactionSimulator sim = simulator(options);
      long keys = flushes * WRITES_PER_FLUSH;
      for (int flush = 0; flush < flushes; flush++) {
        sim.flushRandom(0, keys, WRITES_PER_FLUSH);
        settleAndCheck(sim, options, "fill-random flush " + flush);
      }
      report(reporter, "fillrandom", options, sim);
      checkWriteAmplification(reporter, label("fillrandom", options), sim.writeAmplification());
    }
  }

  @Test
  public void overwriteStaysWithinBounds(TestReporter reporter) {
    int loadFlushes = 140; // enough data for the space check with every option set
    int overwriteFlushes = 200;
    for (CompactionOptions options : simulationOptions()) {
      CompactionSimulator sim = simulator(options);
      long keys = loadFlushes * WRITES_PER_FLUSH;
      for (int flush = 0; flush < loadFlushes; flush++) {
        sim.flushSequential(flush * WRITES_PER_FLUSH, WRITES_PER_FLUSH);
        settleAndCheck(sim, options, "sequential load flush " + flush);
      }
      long userBefore = sim.userBytes();
      long writtenBefore = sim.writtenBytes();
      for (int flush = 0; flush < overwriteFlushes; flush++) {
        sim.flushRandom(0, keys, WRITES_PER_FLUSH);
        settleAndCheck(sim, options, "overwrite flush " + flush);
      }
      double writeAmp =
          (double) (sim.writtenBytes() - writtenBefore) / (sim.userBytes() - userBefore);
      publish(
          reporter,
          label("overwrite", options),
          String.format(
              Locale.ROOT,
              "write amplification %.2f, space amplification %.2f (over live data %.2f)",
              writeAmp,
              sim.spaceAmplification(),
              sim.spaceOverLive()));
      checkWriteAmplification(reporter, label("overwrite", options), writeAmp);
    }
  }

  @Test
  public void convergesFromTieredShape(TestReporter reporter) {
    for (CompactionOptions options : simulationOptions()) {
      int last = options.numLevels() - 1;
      long keys = 100 * WRITES_PER_FLUSH;
      // One huge bottom run, as after a full merge, and two fresh flushes.
      CompactionSimulator single = simulator(options);
      single.seedRun(last, 0, keys, 1.0, options.targetFileBytes());
      single.seedRun(0, 0, keys, 0.05, options.targetFileBytes());
      single.seedRun(0, 0, keys, 0.05, options.targetFileBytes());
      convergeAndCheck(single, options, keys, "single bottom run", reporter);

      // A few runs of falling size, one shallow run larger than the next deeper one.
      CompactionSimulator runs = simulator(options);
      runs.seedRun(last, 0, keys, 0.5, options.targetFileBytes());
      runs.seedRun(last - 1, 0, keys, 0.6, options.targetFileBytes());
      if (last - 3 >= 1) {
        runs.seedRun(last - 3, 0, keys, 0.1, options.targetFileBytes());
      }
      runs.seedRun(0, 0, keys, 0.05, options.targetFileBytes());
      convergeAndCheck(runs, options, keys, "several tiered runs", reporter);
    }
  }

  @Test
  public void convergesFromLeveledShape(TestReporter reporter) {
    for (CompactionOptions options : simulationOptions()) {
      int last = options.numLevels() - 1;
      long keys = 400 * WRITES_PER_FLUSH;
      CompactionSimulator sim = simulator(options);
      sim.seedRun(last, 0, keys, 1.0, options.targetFileBytes());
      sim.seedRun(last - 1, 0, keys, 0.1, options.targetFileBytes());
      if (last - 2 >= 1) {
        sim.seedRun(last - 2, 0, keys, 0.01, options.targetFileBytes());
      }
      sim.seedRun(0, 0, keys, 0.0015, options.targetFileBytes());
      sim.seedRun(0, 0, keys, 0.0015, options.targetFileBytes());
      convergeAndCheck(sim, options, keys, "leveled levels", reporter);
    }
  }

  @Test
  public void jobsRunningInParallelKeepTheTreeValid() {
    for (CompactionOptions options : simulationOptions()) {
      CompactionSimulator sim = simulator(options);
      Random random = new Random(42);
      long keys = 150 * WRITES_PER_FLUSH;
      for (int flush = 0; flush < 150; flush++) {
        sim.flushRandom(0, keys, WRITES_PER_FLUSH);
        sim.startJobs(8);
        for (CompactionJob job : sim.runningJobs()) {
          if (random.nextBoolean()) {
            sim.finish(job);
          }
        }
      }
      for (int rounds = 1; !sim.runningJobs().isEmpty(); rounds++) {
        if (rounds > MAX_JOBS_PER_FLUSH / 8) {
          fail(
              "after the last flush the strategy kept starting jobs for "
                  + rounds
                  + " rounds of up to 8 without settling, with "
                  + options
                  + "; running: "
                  + sim.runningJobs());
        }
        for (CompactionJob job : sim.runningJobs()) {
          sim.finish(job);
        }
        sim.startJobs(8);
      }
      settleAndCheck(sim, options, "after parallel jobs");
    }
  }

  // ------------------------------------------------------------------ helpers

  private CompactionSimulator simulator(CompactionOptions options) {
    return new CompactionSimulator(provider().create(options), options.numLevels(), ENTRY_BYTES);
  }

  private void convergeAndCheck(
      CompactionSimulator sim,
      CompactionOptions options,
      long keys,
      String start,
      TestReporter reporter) {
    long writtenBefore = sim.writtenBytes();
    int jobs = sim.compactUntilQuiet(2 * MAX_JOBS_PER_FLUSH);
    checkBounds(sim, options, "settled from " + start);
    long convergenceBytes = sim.writtenBytes() - writtenBefore;
    for (int flush = 0; flush < 60; flush++) {
      sim.flushRandom(0, keys, WRITES_PER_FLUSH);
      settleAndCheck(sim, options, "flush " + flush + " after starting from " + start);
    }
    publish(
        reporter,
        label("converge from " + start, options),
        String.format(
            Locale.ROOT,
            "%d jobs and %d MiB written to settle; then %s, space amplification %.2f",
            jobs,
            convergenceBytes / MIB,
            sim,
            sim.spaceAmplification()));
  }

  private void settleAndCheck(CompactionSimulator sim, CompactionOptions options, String when) {
    sim.compactUntilQuiet(MAX_JOBS_PER_FLUSH);
    checkBounds(sim, options, when);
  }

  private void checkBounds(CompactionSimulator sim, CompactionOptions options, String when) {
    StrategyBounds bounds = provider().create(options).bounds();
    String context = " " + when + " with " + options + "; " + sim;
    if (bounds.maxLevel0Files() > 0 && sim.level0Files() > bounds.maxLevel0Files()) {
      fail(sim.level0Files() + " level-0 files > bound " + bounds.maxLevel0Files() + context);
    }
    if (bounds.maxSortedRuns() > 0 && sim.sortedRuns() > bounds.maxSortedRuns()) {
      fail(sim.sortedRuns() + " sorted runs > bound " + bounds.maxSortedRuns() + context);
    }
    long bigEnough =
        SPACE_CHECK_FACTOR
            * Math.max(
                options.maxBytesForLevelBase(), options.level0CompactionTrigger() * FLUSH_BYTES);
    if (bounds.maxSpaceAmplification() > 0
        && sim.totalBytes() >= bigEnough
        && sim.spaceAmplification() > bounds.maxSpaceAmplification()) {
      fail(
          String.format(
                  Locale.ROOT,
                  "space amplification %.3f > bound %.3f",
                  sim.spaceAmplification(),
                  bounds.maxSpaceAmplification())
              + context);
    }
  }

  /**
   * Fails above {@link #MAX_WRITE_AMPLIFICATION}, and warns (in the output and the report) within
   * {@link #WRITE_AMPLIFICATION_WARNING} of it: a strategy that close to a generous bound is likely
   * to cross it on other options or workloads.
   */
  private static void checkWriteAmplification(
      TestReporter reporter, String label, double writeAmplification) {
    String figures =
        String.format(
            Locale.ROOT,
            "write amplification %.2f, limit %.0f",
            writeAmplification,
            MAX_WRITE_AMPLIFICATION);
    assertTrue(writeAmplification <= MAX_WRITE_AMPLIFICATION, label + ": " + figures + " exceeded");
    if (writeAmplification > (1 - WRITE_AMPLIFICATION_WARNING) * MAX_WRITE_AMPLIFICATION) {
      publish(
          reporter,
          label,
          "WARNING: "
              + figures
              + ": within "
              + Math.round(WRITE_AMPLIFICATION_WARNING * 100)
              + "% of the limit");
    }
  }

  /**
   * Publishes figures as a JUnit report entry (kept in the XML report) and prints them, since
   * Surefire does not show report entries on the console.
   */
  private static void publish(TestReporter reporter, String label, String figures) {
    reporter.publishEntry(label, figures);
    System.out.println(label + ": " + figures);
  }

  private void report(
      TestReporter reporter, String workload, CompactionOptions options, CompactionSimulator sim) {
    publish(
        reporter,
        label(workload, options),
        String.format(
            Locale.ROOT,
            "write amplification %.2f, space amplification %.2f (over live data %.2f), %d jobs"
                + " (%d trivial moves), %s",
            sim.writeAmplification(),
            sim.spaceAmplification(),
            sim.spaceOverLive(),
            sim.jobs(),
            sim.trivialMoves(),
            sim));
  }

  private String label(String workload, CompactionOptions options) {
    return provider().name()
        + " "
        + workload
        + " (levels "
        + options.numLevels()
        + ", trigger "
        + options.level0CompactionTrigger()
        + ")";
  }

  private static void assertValid(TreeShape tree, CompactionJob job) {
    List<String> violations = JobRules.violations(tree, job);
    if (!violations.isEmpty()) {
      fail(
          "invalid job "
              + job
              + ":\n  "
              + String.join("\n  ", violations)
              + "\non tree:\n"
              + RandomTrees.describe(tree));
    }
  }

  /** {@code tree} with {@code job} running: its inputs compacting, its range an output range. */
  static TreeShape withRunning(TreeShape tree, CompactionJob job) {
    Set<Long> inputs = new HashSet<>(job.inputFileIds());
    byte @Nullable [] lo = null;
    byte @Nullable [] hi = null;
    for (LevelShape level : tree.levels()) {
      for (FileShape file : level.files()) {
        if (inputs.contains(file.fileId())) {
          if (lo == null || KeyOrder.compareKeys(file.smallestKey(), lo) < 0) {
            lo = file.smallestKey();
          }
          if (hi == null || KeyOrder.compareKeys(file.largestKey(), hi) > 0) {
            hi = file.largestKey();
          }
        }
      }
    }
    Set<Long> compacting = new HashSet<>(tree.compactingFiles());
    compacting.addAll(inputs);
    List<RunningJob> running = new ArrayList<>(tree.runningJobs());
    if (lo != null && hi != null) {
      running.add(new RunningJob(job.outputLevel(), lo, hi));
    }
    return new TreeShape(tree.levels(), compacting, running);
  }
}
