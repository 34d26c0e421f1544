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

/** Specific decisions of the tiered strategy: 7 levels, trigger 4, 200% space, 1% size ratio. */
class TieredCompactionTest {
  private static final CompactionStrategy TIERED =
      new TieredCompactionProvider().create(CompactionOptions.defaults(7));

  private static CompactionJob pick(CompactionStrategy strategy, TreeShape tree) {
    Optional<CompactionJob> job = strategy.pickJob(tree);
    assertTrue(job.isPresent(), "expected a job");
    assertEquals(List.of(), JobRules.violations(tree, job.get()));
    return job.get();
  }

  private static CompactionJob pick(TreeShape tree) {
    return pick(TIERED, tree);
  }

  @Test
  void spaceAmplificationMergesEverythingIntoTheLastLevel() {
    // 128 MiB of newer runs over a 60 MiB oldest run: 213% >= 200%.
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 0, 1000, 64 * MIB)
            .file(0, 101, 0, 1000, 64 * MIB)
            .run(6, 1, 2, 0, 1000, 30 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(6, job.outputLevel());
    assertEquals(
        List.of(new LevelInputs(0, List.of(100L, 101L)), new LevelInputs(6, List.of(1L, 2L))),
        job.inputs());
    assertTrue(job.reason().contains("space amplification 213%"), job.reason());
  }

  @Test
  void nothingToDoBelowTheRunTriggerAndTheSpaceLimit() {
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 0, 1000, 64 * MIB)
            .file(0, 101, 0, 1000, 64 * MIB)
            .run(6, 1, 2, 0, 1000, 40 * MIB)
            .build();
    assertEquals(Optional.empty(), TIERED.pickJob(tree));
    assertEquals(0, TIERED.pendingCompactionBytes(tree));
  }

  @Test
  void sizeRatioMergesTheNewestRunsOfSimilarSize() {
    // Runs: four 10 MiB flushes, then 1 GiB in level 6. 10, 20, 30 and 40 MiB taken so far each
    // cover the next 10 MiB run, not the 1 GiB one; the output goes just above level 6.
    Trees trees = Trees.levels(7);
    for (int i = 0; i < 4; i++) {
      trees.file(0, 100 + i, 0, 1000, 10 * MIB);
    }
    TreeShape tree = trees.run(6, 1, 16, 0, 1000, 64 * MIB).build();
    CompactionJob job = pick(tree);
    assertEquals(List.of(new LevelInputs(0, List.of(100L, 101L, 102L, 103L))), job.inputs());
    assertEquals(5, job.outputLevel());
    assertTrue(TIERED.pendingCompactionBytes(tree) == 40 * MIB);
  }

  @Test
  void sizeRatioTakesALevelRunOfSimilarSizeAndLandsAboveTheNextRun() {
    // Runs: 10, 10 (level 0), 20 (level 4), 1 GiB (level 6): 10 -> 20 -> 40 MiB, output level 5.
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 0, 1000, 10 * MIB)
            .file(0, 101, 0, 1000, 10 * MIB)
            .file(4, 40, 0, 1000, 20 * MIB)
            .run(6, 1, 16, 0, 1000, 64 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(
        List.of(new LevelInputs(0, List.of(100L, 101L)), new LevelInputs(4, List.of(40L))),
        job.inputs());
    assertEquals(5, job.outputLevel());
  }

  @Test
  void tooManyRunsOfUnlikeSizesMergeTheNewest() {
    // Five runs growing ten-fold: no size-ratio merge, so the newest two merge, above level 4.
    TreeShape tree =
        Trees.levels(7)
            .file(0, 100, 0, 1000, MIB)
            .file(3, 30, 0, 1000, 10 * MIB)
            .file(4, 40, 0, 1000, 100 * MIB)
            .file(5, 50, 0, 1000, 1000 * MIB)
            .file(6, 60, 0, 1000, 2000 * MIB)
            .build();
    CompactionJob job = pick(tree);
    assertEquals(
        List.of(new LevelInputs(0, List.of(100L)), new LevelInputs(3, List.of(30L))), job.inputs());
    assertEquals(3, job.outputLevel());
    assertTrue(job.reason().contains("over the limit of 4"), job.reason());
    // With the trigger reached but not exceeded, such a tree is left alone.
    TreeShape four =
        Trees.levels(7)
            .file(3, 30, 0, 1000, 10 * MIB)
            .file(4, 40, 0, 1000, 100 * MIB)
            .file(5, 50, 0, 1000, 1000 * MIB)
            .file(6, 60, 0, 1000, 2000 * MIB)
            .build();
    assertEquals(Optional.empty(), TIERED.pickJob(four));
  }

  @Test
  void mergedLevel0FilesStayInLevel0AboveAnOlderLevel0File() {
    CompactionStrategy eager =
        new TieredCompactionProvider()
            .create(new CompactionOptions(7, 3, 256 * MIB, 10, true, 64 * MIB, 200, 1));
    Trees trees =
        Trees.levels(7)
            .file(0, 100, 0, 10, 10 * MIB)
            .file(0, 101, 0, 10, 10 * MIB)
            .file(0, 102, 100, 200, 100 * MIB)
            .run(6, 1, 16, 0, 1000, 64 * MIB);
    CompactionJob job = pick(eager, trees.build());
    assertEquals(List.of(new LevelInputs(0, List.of(100L, 101L))), job.inputs());
    assertEquals(0, job.outputLevel());
    // One level-0 file is one sorted run: the output must not be split.
    assertEquals(Long.MAX_VALUE, job.targetFileBytes());
  }

  @Test
  void olderOverlappingLevel0FilesComeAlong() {
    // Same as above, but file 102 overlaps: rule 3 makes it an input, and the output goes above
    // the next older run, level 6.
    CompactionStrategy eager =
        new TieredCompactionProvider()
            .create(new CompactionOptions(7, 3, 256 * MIB, 10, true, 64 * MIB, 200, 1));
    Trees trees =
        Trees.levels(7)
            .file(0, 100, 0, 10, 10 * MIB)
            .file(0, 101, 0, 10, 10 * MIB)
            .file(0, 102, 5, 200, 100 * MIB)
            .run(6, 1, 16, 0, 1000, 64 * MIB);
    CompactionJob job = pick(eager, trees.build());
    assertEquals(List.of(new LevelInputs(0, List.of(100L, 101L, 102L))), job.inputs());
    assertEquals(5, job.outputLevel());
  }

  @Test
  void busyRunsAreLeftAloneAndNotMergedAcross() {
    // A full merge is running on everything but the newest flush: nothing else can go.
    Trees trees = Trees.levels(7).file(0, 100, 0, 1000, 64 * MIB);
    for (int i = 0; i < 4; i++) {
      trees.file(0, 101 + i, 0, 1000, 64 * MIB);
    }
    trees.run(6, 1, 2, 0, 1000, 30 * MIB).compacting(101, 102, 103, 104, 1, 2).running(6, 0, 1000);
    assertEquals(Optional.empty(), TIERED.pickJob(trees.build()));
  }

  @Test
  void leveledTreeConvergesToFewRuns() {
    CompactionSimulator sim = new CompactionSimulator(TIERED, 7, 100);
    long keys = 100_000_000;
    sim.seedRun(6, 0, keys, 1.0, 64 * MIB);
    sim.seedRun(5, 0, keys, 0.1, 64 * MIB);
    sim.seedRun(4, 0, keys, 0.01, 64 * MIB);
    sim.seedRun(3, 0, keys, 0.001, 64 * MIB);
    sim.seedRun(0, 0, keys, 0.0005, 64 * MIB);
    sim.seedRun(0, 0, keys, 0.0005, 64 * MIB);
    assertEquals(6, sim.sortedRuns());
    sim.compactUntilQuiet(1000);
    assertTrue(sim.sortedRuns() <= 4, sim.toString());
    // The big bottom level is left alone: space amplification is far below 200%.
    assertTrue(sim.compactionReadBytes() < 2_000_000_000L, sim.toString());
  }

  @Test
  void levelTargetsAreAllZero() {
    assertArrayEquals(new long[7], TIERED.levelTargetBytes(Trees.levels(7).build()));
  }

  @Test
  void boundsFollowTheOptions() {
    assertEquals(new StrategyBounds(4, 4, 3.0), TIERED.bounds());
    CompactionStrategy one =
        new TieredCompactionProvider()
            .create(new CompactionOptions(3, 1, MIB, 10, true, MIB, 50, 0));
    assertEquals(new StrategyBounds(2, 2, 1.5), one.bounds(), "a trigger of 1 acts as 2");
  }

  @Test
  void rejectsOptionsItCannotWorkWith() {
    TieredCompactionProvider provider = new TieredCompactionProvider();
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(0, 4, MIB, 10, true, MIB, 200, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(7, 4, MIB, 10, true, MIB, -1, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> provider.create(new CompactionOptions(7, 4, MIB, 10, true, MIB, 200, -1)));
  }
}
