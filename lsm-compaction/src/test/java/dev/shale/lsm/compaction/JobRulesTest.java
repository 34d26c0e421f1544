package dev.shale.lsm.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionJob.LevelInputs;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.JobRules;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule of {@link CompactionJob}'s Javadoc broken once, and valid jobs accepted. */
class JobRulesTest {
  private static final long TARGET = 64 * Trees.MIB;

  /**
   * L0: 10 [0-50] (newest), 11 [40-60], 12 [100-150]; L1: 20 [0-30], 21 [40-70], 22 [100-120], 23
   * [500-600]; L2: 30 [0-99], 31 [110-200]; L3: 40 [0-99], 41 [100-300], 42 [400-1000].
   */
  private static Trees base() {
    return Trees.levels(4)
        .file(0, 10, 0, 50, 10)
        .file(0, 11, 40, 60, 10)
        .file(0, 12, 100, 150, 10)
        .file(1, 20, 0, 30, 10)
        .file(1, 21, 40, 70, 10)
        .file(1, 22, 100, 120, 10)
        .file(1, 23, 500, 600, 10)
        .file(2, 30, 0, 99, 10)
        .file(2, 31, 110, 200, 10)
        .file(3, 40, 0, 99, 10)
        .file(3, 41, 100, 300, 10)
        .file(3, 42, 400, 1000, 10);
  }

  private static CompactionJob job(int outputLevel, LevelInputs... inputs) {
    return new CompactionJob(List.of(inputs), outputLevel, TARGET, "test");
  }

  private static LevelInputs in(int level, long... ids) {
    return new LevelInputs(level, Arrays.stream(ids).boxed().toList());
  }

  /** L0 {10, 11} and L1 {20, 21} into L1: valid on {@link #base()}. */
  private static final CompactionJob L0_TO_L1 = job(1, in(0, 10, 11), in(1, 20, 21));

  private static void assertViolations(TreeShape tree, CompactionJob job, String... expected) {
    assertEquals(List.of(expected), JobRules.violations(tree, job));
  }

  private static void assertOneViolationStartingWith(
      TreeShape tree, CompactionJob job, String start) {
    List<String> violations = JobRules.violations(tree, job);
    assertEquals(1, violations.size(), violations.toString());
    assertTrue(violations.get(0).startsWith(start), violations.get(0));
  }

  @Test
  void validJobsHaveNoViolations() {
    TreeShape tree = base().build();
    assertViolations(tree, L0_TO_L1);
    assertTrue(JobRules.isValid(tree, L0_TO_L1));
    // A newer overlapping level-0 file may stay above: only older ones must come along.
    assertViolations(tree, job(1, in(0, 11), in(1, 21)));
    // A single file with nothing below it: a trivial move.
    assertViolations(tree, job(2, in(1, 23)));
    // Level 0 into level 3 takes every overlapping file on the way.
    assertViolations(tree, job(3, in(0, 12), in(1, 22), in(2, 31), in(3, 41)));
    // Consecutive level-0 files into level 0, the oldest ones.
    assertViolations(tree, job(0, in(0, 11, 12)));
    // A running job into another level does not matter.
    assertViolations(base().running(2, 0, 1000).build(), L0_TO_L1);
  }

  @Test
  void rule1InputMustExist() {
    assertViolations(
        base().build(),
        job(1, in(1, 99)),
        "rule 1: file 99 (listed in level 1) is not in the tree");
  }

  @Test
  void rule1InputMustBeInTheStatedLevel() {
    assertViolations(
        base().build(),
        job(2, in(1, 30)),
        "rule 1: file 30 is listed in level 1 but is in level 2");
  }

  @Test
  void rule1InputLevelMustExist() {
    assertOneViolationStartingWith(
        base().build(),
        job(3, in(0, 12), in(1, 22), in(2, 31), in(3, 41), in(7, 1)),
        "rule 1: input level 7 does not exist");
  }

  @Test
  void rule1InputMustNotBeCompacting() {
    assertViolations(
        base().compacting(21).build(),
        L0_TO_L1,
        "rule 1: file 21 in level 1 is already being compacted");
  }

  @Test
  void rule1FileListedTwice() {
    assertViolations(
        base().build(),
        job(2, in(1, 23, 23)),
        "rule 1: file 23 is listed as an input more than once");
  }

  @Test
  void rule1JobWithoutFiles() {
    assertViolations(base().build(), job(1, in(1)), "rule 1: the job lists no input file");
  }

  @Test
  void levelsMustBeListedShallowestFirstOnce() {
    assertViolations(
        base().build(),
        job(1, in(1, 20, 21), in(0, 10, 11)),
        "inputs must list levels shallowest first and each at most once, but level 0 comes after"
            + " level 1");
    assertViolations(
        base().build(),
        job(1, in(0, 10), in(0, 11), in(1, 20, 21)),
        "inputs must list levels shallowest first and each at most once, but level 0 comes after"
            + " level 0");
  }

  @Test
  void filesMustBeInTheLevelsOrder() {
    assertViolations(
        base().build(),
        job(1, in(0, 11, 10), in(1, 20, 21)),
        "inputs of level 0 must be in that level's order, but file 10 comes after a file that"
            + " follows it in the level");
  }

  @Test
  void rule2OutputNotAboveTheDeepestInput() {
    assertViolations(
        base().build(),
        job(1, in(1, 22), in(2, 31)),
        "rule 2: output level 1 is above the deepest input level 2");
  }

  @Test
  void rule2OutputLevelMustExist() {
    assertViolations(
        base().build(),
        job(4, in(1, 23)),
        "rule 2: output level 4 does not exist (the tree has levels 0 to 3)");
  }

  @Test
  void rule2OutputLevel0OnlyFromLevel0() {
    assertViolations(
        base().build(),
        job(0, in(0, 10, 11), in(1, 20, 21)),
        "rule 2: output level 0 is above the deepest input level 1",
        "rule 2: output level 0 is allowed only when every input is in level 0");
  }

  @Test
  void rule2OutputLevel0NeedsConsecutiveInputs() {
    TreeShape tree =
        Trees.levels(2).file(0, 1, 0, 10, 10).file(0, 2, 50, 60, 10).file(0, 3, 0, 10, 10).build();
    assertViolations(
        tree,
        job(0, in(0, 1, 3)),
        "rule 2: output level 0 needs level-0 inputs consecutive in age, but files [2] lie"
            + " between them and are not inputs");
  }

  @Test
  void rule3OlderOverlappingLevel0FilesMustBeInputs() {
    assertViolations(
        base().build(),
        job(1, in(0, 10), in(1, 20, 21)),
        "rule 3: level-0 file 11 is older than input 10 and overlaps the job's key range"
            + " [0x0000000000000000, 0x0000000000000046] but is not an input");
  }

  @Test
  void rule3AppliesToLevel0OutputToo() {
    // As written, rule 3 asks for older overlapping level-0 files even when the output stays in
    // level 0 (where leaving them would be safe): the check follows the contract.
    assertOneViolationStartingWith(
        base().build(), job(0, in(0, 10)), "rule 3: level-0 file 11 is older than input 10");
  }

  @Test
  void rule3OverlappingFilesOfTheOutputLevelMustBeInputs() {
    assertViolations(
        base().build(),
        job(2, in(1, 22)),
        "rule 3: file 31 in level 2 overlaps the job's key range [0x0000000000000064,"
            + " 0x0000000000000078] but is not an input (every level from 2 to the output level 2"
            + " must give all its overlapping files)");
  }

  @Test
  void rule3OverlappingFilesOfIntermediateLevelsMustBeInputs() {
    assertOneViolationStartingWith(
        base().build(), job(2, in(0, 12), in(2, 31)), "rule 3: file 22 in level 1 overlaps");
  }

  @Test
  void rule4RangeMustNotOverlapARunningJobsOutputInTheSameLevel() {
    assertViolations(
        base().running(1, 60, 65).build(),
        L0_TO_L1,
        "rule 4: the job's key range [0x0000000000000000, 0x0000000000000046] overlaps the output"
            + " range [0x000000000000003c, 0x0000000000000041] of a running job with the same"
            + " output level 1");
    // Touching at one key is overlapping: ranges are inclusive.
    assertEquals(1, JobRules.violations(base().running(1, 70, 80).build(), L0_TO_L1).size());
    assertViolations(base().running(1, 71, 80).build(), L0_TO_L1);
  }

  @Test
  void targetFileSizeMustBePositive() {
    CompactionJob job = new CompactionJob(L0_TO_L1.inputs(), 1, 0, "test");
    assertViolations(base().build(), job, "targetFileBytes must be positive, but is 0");
  }

  @Test
  void sameLevelRewriteAroundAnotherFileIsNotCoveredByTheRules() {
    // A gap in the contract, pinned here: rewriting files 20 and 22 within level 1 passes the
    // rules, although output spanning [0, 120] cannot be placed around file 21 without the engine
    // splitting at its boundaries. The strategies never pick such jobs; see the report.
    assertViolations(base().build(), job(1, in(1, 20, 22)));
  }

  @Test
  void longKeysAreShortenedInMessages() {
    byte[] longKey = new byte[40];
    TreeShape tree =
        new TreeShape(
            List.of(
                new LevelShape(
                    0,
                    List.of(
                        new FileShape(1, 10, longKey, longKey, 2, 2, 1, 0),
                        new FileShape(2, 10, longKey, longKey, 1, 1, 1, 0))),
                new LevelShape(1, List.of())),
            Set.of(),
            List.of());
    List<String> violations = JobRules.violations(tree, job(1, in(0, 1)));
    assertEquals(1, violations.size());
    assertTrue(
        violations.get(0).contains("0x00000000000000000000000000000000...(40 bytes)"),
        violations.get(0));
  }

  // ---------------------------------------------------------------- drop jobs (rules 1 and 5)

  private static CompactionJob drop(LevelInputs... inputs) {
    return CompactionJob.drop(List.of(inputs), "test");
  }

  @Test
  void dropJobsThatLeaveNoOlderVersionBehindAreValid() {
    TreeShape tree = base().build();
    // The deepest level has nothing below it.
    assertViolations(tree, drop(in(3, 40)));
    assertViolations(tree, drop(in(3, 42)));
    // L1 23 [500-600] overlaps only L3 42, which goes too; L2 has nothing there.
    assertViolations(tree, drop(in(1, 23), in(3, 42)));
    // The oldest level-0 file, with everything below it that overlaps [100-150].
    assertViolations(tree, drop(in(0, 12), in(1, 22), in(2, 31), in(3, 41)));
    // Output level and target size do not apply to a drop.
    assertTrue(drop(in(3, 40)).isDrop());
  }

  @Test
  void dropJobsMustTakeEveryOlderOverlappingFile() {
    TreeShape tree = base().build();
    assertOneViolationStartingWith(tree, drop(in(2, 30)), "rule 5: file 40 in level 3");
    // Newest level-0 file 10 [0-50]: 11 [40-60] in level 0 is older and overlaps it.
    List<String> violations = JobRules.violations(tree, drop(in(0, 10)));
    assertTrue(violations.get(0).startsWith("rule 5: file 11 in level 0"), violations.toString());
    assertEquals(5, violations.size(), violations.toString()); // 11, 20, 21, 30 and 40
    // A newer file may stay: dropping 11 [40-60] keeps 10 [0-50] above it.
    assertViolations(tree, drop(in(0, 11), in(1, 21), in(2, 30), in(3, 40)));
  }

  @Test
  void dropJobsFollowRuleOne() {
    TreeShape tree = base().compacting(42).build();
    assertOneViolationStartingWith(tree, drop(in(3, 42)), "rule 1: file 42 in level 3 is already");
    assertOneViolationStartingWith(tree, drop(in(2, 99)), "rule 1: file 99");
  }

  @Test
  void droppedFilesMustNotOverlapARunningJobsOutput() {
    TreeShape tree = base().running(1, 550, 700).build();
    assertOneViolationStartingWith(tree, drop(in(3, 42)), "rule 5: dropped file 42 overlaps");
    assertViolations(tree, drop(in(3, 40)));
  }
}
