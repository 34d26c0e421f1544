package dev.shale.lsm.compaction;

import static dev.shale.lsm.compaction.Trees.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionJob.LevelInputs;
import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.JobRules;
import dev.shale.lsm.spi.compaction.StrategyBounds;
import dev.shale.lsm.spi.compaction.TreeShape;
import dev.shale.lsm.tck.compaction.CompactionSimulator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Specific decisions of the leveled strategy with RocksDB's default options and 7 levels. */
class LeveledCompactionTest {
  private static final long GIB = 1024 * MIB;
  private static final CompactionOptions DEFAULTS = CompactionOptions.defaults(7);
  private static final CompactionStrategy LEVELED =
      new LeveledCompactionProvider().create(DEFAULTS);

  private static CompactionJob pick(TreeShape tree) {
    Optional<CompactionJob> job = LEVELED.pickJob(tree);
    assertTrue(job.isPresent(), "expected a job");
    assertEquals(List.of(), JobRules.violations(tree, job.get()));
    return job.get();
  }

  private static Trees fourFlushes() {
    Trees trees = Trees.levels(7);
    for (int i = 0; i < 4; i++) {
      trees.file(0, 100 + i, i * 10L, 1000 + i * 10L, 64 * MIB);
    }
    return trees;
  }

  @Test
  void level0GoesToTheLastLevelWhileNothingIsBelow() {
    CompactionJob job = pick(fourFlushes().build());
    assertEquals(6, job.outputLevel());
    assertEquals(List.of(new LevelInputs(0, List.of(100L, 101L, 102L, 103L))), job.inputs());
    assertEquals(DEFAULTS.targetFileBytes(), job.targetFileBytes());
  }

  @Test
  void dynamicBaseLevelSitsAboveASingleHugeBottomRun() {
    // 10 GiB at the bottom: 1 GiB and 100 MiB above it, and 100 MiB is under the 256 MiB base.
    TreeShape tree = fourFlushes().run(6, 1, 160, 0, 100_000, 64 * MIB).build();
    long[] targets = LEVELED.levelTargetBytes(tree);
    assertEquals(0, targets[3]);
    assertEquals(256 * MIB, targets[4]); // never below maxBytesForLevelBase
    // Targets come from dividing the bottom size down and multiplying back up, as in RocksDB, so
    // they are exact only up to rounding.
    assertEquals(1024.0 * MIB, (double) targets[5], 16);
    assertEquals(10.0 * GIB, (double) targets[6], 160);
    CompactionJob job = pick(tree);
    assertEquals(4, job.outputLevel());
  }

  @Test
  void dynamicBaseLevelFollowsTheBottomLevelsSize() {
    // 2 GiB at the bottom: its level above aims at 200 MiB, under the base size: base level 5.
    TreeShape small = fourFlushes().run(6, 1, 32, 0, 100_000, 64 * MIB).build();
    assertEquals(5, pick(small).outputLevel());
    // 3.2 GiB: 320 MiB above it is more than the base, so one level more: base level 4.
    TreeShape large = fourFlushes().run(6, 1, 50, 0, 100_000, 64 * MIB).build();
    assertEquals(4, pick(large).outputLevel());
  }

  @Test
  void staticTargetsGrowFromLevel1() {
    CompactionStrategy fixed =
        new LeveledCompactionProvider()
            .create(new CompactionOptions(4, 4, 256 * MIB, 10, false, 64 * MIB, 200, 1));
    TreeShape tree =
        Trees.levels(4)
            .file(0, 1, 0, 10, 64 * MIB)
            .file(0, 2, 0, 10, 64 * MIB)
            .file(0, 3, 0, 10, 64 * MIB)
            .file(0, 4, 0, 10, 64 * MIB)
            .file(3, 5, 0, 1000, 10 * GIB)
            .build();
    assertArrayEquals(
        new long[] {0, 256 * MIB, 2560 * MIB, 25600 * MIB}, fixed.levelTargetBytes(tree));
    assertEquals(1, fixed.pickJob(tree).orElseThrow().outputLevel());
    assertEquals(
        0, fixed.bounds().maxSpaceAmplification(), "static sizing promises no space bound");
  }

  @Test
  void level0WaitsForItsTrigger() {
    Trees three = Trees.levels(7).run(6, 1, 40, 0, 100_000, 64 * MIB);
    for (int i = 0; i < 3; i++) {
      three.file(0, 100 + i, 0, 100_000, 64 * MIB);
    }
    assertEquals(Optional.empty(), LEVELED.pickJob(three.build()));
    three.file(0, 103, 0, 100_000, 64 * MIB);
    CompactionJob job = pick(three.build());
    assertEquals(List.of(100L, 101L, 102L, 103L), job.inputs().get(0).fileIds());
    assertTrue(job.reason().contains("4 files, trigger 4"), job.reason());
  }

  @Test
  void level0BytesTriggerBeforeItsFileCount() {
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 0, 100_000, 200 * MIB)
            .file(0, 101, 0, 100_000, 200 * MIB)
            .run(6, 1, 40, 0, 100_000, 64 * MIB)
            .build();
    assertEquals(List.of(100L, 101L), pick(tree).inputs().get(0).fileIds());
  }

  @Test
  void level0JobTakesOlderOverlappingFilesAndTheBaseFilesBelow() {
    // Base level 5 (bottom 2 GiB); L5 holds files over [0, 999] and [1000, 1999]; level-0 file 102
    // covers [900, 950] only, but the base file it overlaps widens the range to [0, 999], which
    // reaches older level-0 file 103.
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 5000, 5100, 64 * MIB)
            .file(0, 101, 5000, 5100, 64 * MIB)
            .file(0, 102, 900, 950, 64 * MIB)
            .file(0, 103, 10, 20, 64 * MIB)
            .file(5, 50, 0, 999, 100 * MIB)
            .file(5, 51, 1000, 1999, 100 * MIB)
            .run(6, 1, 32, 0, 100_000, 64 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(
        List.of(new LevelInputs(0, List.of(102L, 103L)), new LevelInputs(5, List.of(50L))),
        job.inputs());
    assertEquals(5, job.outputLevel());
  }

  @Test
  void deeperLevelPicksTheFileWithLeastOverlapPerByte() {
    // Bottom 2 GiB, so L5 aims for 256 MiB; L5 holds 3 files of 100 MiB over its target.
    // File 52 overlaps one small L6 file, 50 three big ones, 51 two.
    TreeShape tree =
        Trees.levels(7)
            .file(5, 50, 0, 299, 100 * MIB)
            .file(5, 51, 300, 499, 100 * MIB)
            .file(5, 52, 500, 599, 100 * MIB)
            .file(6, 60, 0, 99, 500 * MIB)
            .file(6, 61, 100, 199, 500 * MIB)
            .file(6, 62, 200, 299, 500 * MIB)
            .file(6, 63, 300, 399, 200 * MIB)
            .file(6, 64, 400, 499, 200 * MIB)
            .file(6, 65, 500, 599, 10 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(
        List.of(new LevelInputs(5, List.of(52L)), new LevelInputs(6, List.of(65L))), job.inputs());
    assertEquals(6, job.outputLevel());

    // With the best file's overlap busy, the next best goes.
    CompactionJob next = pick(withCompacting(tree, 65));
    assertEquals(List.of(51L), next.inputs().get(0).fileIds());
  }

  @Test
  void fileWithNothingBelowIsASingleInputJob() {
    TreeShape tree =
        Trees.levels(7)
            .file(5, 50, 0, 299, 200 * MIB)
            .file(5, 51, 5000, 5099, 200 * MIB)
            .run(6, 1, 20, 0, 999, 100 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(List.of(new LevelInputs(5, List.of(51L))), job.inputs());
  }

  @Test
  void unnecessaryLevelIsDrainedTowardTheBottom() {
    // 10 GiB at the bottom and a 10 MiB run in level 2, left by another strategy: level 2 would
    // aim below 25.6 MiB, so it is drained, by trivial moves while the level below is empty.
    TreeShape tree =
        Trees.levels(7).file(2, 20, 0, 99, 10 * MIB).run(6, 1, 160, 0, 100_000, 64 * MIB).build();
    CompactionJob job = pick(tree);
    assertEquals(List.of(new LevelInputs(2, List.of(20L))), job.inputs());
    assertEquals(3, job.outputLevel());
    assertTrue(job.reason().contains("draining"), job.reason());
  }

  @Test
  void treeFromTieredRunsConvergesToLevelTargets() {
    // A tiered shape: a 2 GiB shallow run above a 1 GiB bottom run, and some level-0 files.
    CompactionSimulator sim = new CompactionSimulator(LEVELED, 7, 100);
    long keys = 30_000_000;
    sim.seedRun(6, 0, keys, 0.35, 64 * MIB);
    sim.seedRun(3, 0, keys, 0.7, 64 * MIB);
    sim.seedRun(0, 0, keys, 0.01, 64 * MIB);
    sim.compactUntilQuiet(10_000);
    TreeShape settled = sim.shape();
    long[] targets = LEVELED.levelTargetBytes(settled);
    for (int level = 1; level < 6; level++) {
      long bytes = settled.level(level).sizeBytes();
      assertTrue(
          bytes <= targets[level], "level " + level + " holds " + bytes + " > " + targets[level]);
    }
    assertTrue(settled.level(3).isEmpty(), "the shallow run was pushed down: " + sim);
    assertTrue(sim.spaceAmplification() < 1.3, sim + " amp " + sim.spaceAmplification());
  }

  @Test
  void jobsAvoidRunningJobsAndBusyFiles() {
    // A level-0 job is running into level 5 over [0, 100000] with files 50 and 51; L5 is over
    // its target too, and file 53 is the one it can still give.
    Trees trees = Trees.levels(7);
    for (int i = 0; i < 4; i++) {
      trees.file(0, 100 + i, 0, 100_000, 64 * MIB);
    }
    trees
        .file(5, 50, 0, 50_000, 150 * MIB)
        .file(5, 51, 50_001, 100_000, 150 * MIB)
        .file(5, 53, 200_000, 300_000, 300 * MIB)
        .run(6, 1, 32, 0, 400_000, 64 * MIB)
        .compacting(100, 101, 102, 103, 50, 51)
        .running(5, 0, 100_000);
    CompactionJob job = pick(trees.build());
    assertEquals(5, job.inputs().get(0).level());
    assertEquals(List.of(53L), job.inputs().get(0).fileIds());
    // Once a running job writes into level 6 where file 53 would land, nothing is left to do.
    assertEquals(Optional.empty(), LEVELED.pickJob(trees.running(6, 250_000, 260_000).build()));
  }

  @Test
  void pendingBytesFollowRocksDbsEstimate() {
    assertEquals(0, LEVELED.pendingCompactionBytes(Trees.levels(7).build()));
    TreeShape quiet =
        Trees.levels(7).file(0, 100, 0, 10, 64 * MIB).run(6, 1, 32, 0, 1000, 64 * MIB).build();
    assertEquals(0, LEVELED.pendingCompactionBytes(quiet));
    // Level 0 due: its 256 MiB and the base level's 0 bytes; the base level then exceeds its
    // target by nothing (256 MiB target), so nothing more.
    TreeShape due = fourFlushes().run(6, 1, 32, 0, 100_000, 64 * MIB).build();
    assertEquals(256 * MIB, LEVELED.pendingCompactionBytes(due));
  }

  @Test
  void boundsFollowTheOptions() {
    StrategyBounds bounds = LEVELED.bounds();
    assertEquals(3, bounds.maxLevel0Files());
    assertEquals(9, bounds.maxSortedRuns());
    assertEquals(1 + 1 / 9.0 + 0.25, bounds.maxSpaceAmplification(), 1e-9);
  }

  @Test
  void rejectsOptionsItCannotWorkWith() {
    LeveledCompactionProvider provider = new LeveledCompactionProvider();
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(1, 4, MIB, 10, true, MIB, 200, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(7, 4, MIB, 1.0, true, MIB, 200, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(7, 0, MIB, 10, true, MIB, 200, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(7, 4, MIB, 10, true, 0, 200, 1)));
  }

  private static TreeShape withCompacting(TreeShape tree, long... ids) {
    java.util.Set<Long> compacting = new java.util.HashSet<>(tree.compactingFiles());
    for (long id : ids) {
      compacting.add(id);
    }
    return new TreeShape(tree.levels(), compacting, tree.runningJobs());
  }
}
