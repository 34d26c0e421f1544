package dev.shale.lsm.spi.compaction;

import dev.shale.lsm.spi.KeyOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The validity check for a {@link CompactionJob} against a {@link TreeShape}: the numbered rules in
 * {@link CompactionJob}'s Javadoc (1 to 4 for a merge job, 1 and 5 for a drop job), plus what its
 * parameter documentation states (levels listed shallowest first and at most once, each level's
 * files in that level's order, a positive target file size for a merge). The engine refuses a job
 * for which {@link #violations} is not empty; the conformance kit checks every job a strategy picks
 * with it.
 *
 * <p>Key ranges are inclusive and compared with {@link KeyOrder#compareKeys}: two files overlap
 * when neither lies entirely before the other. Stateless and thread-safe; it reads the given tree
 * and job and never modifies or keeps their arrays.
 */
public final class JobRules {
  private static final int MAX_KEY_BYTES_SHOWN = 16;

  private JobRules() {}

  /**
   * Every rule {@code job} breaks on {@code tree}, one human-readable sentence each, in rule order;
   * empty when the job is valid. For a merge job it runs in time linear in the number of files in
   * the tree plus the number of inputs and running jobs; for a drop job, in the number of inputs
   * times that.
   *
   * @throws NullPointerException if either argument is null
   */
  public static List<String> violations(TreeShape tree, CompactionJob job) {
    List<String> out = new ArrayList<>();
    int numLevels = tree.numLevels();
    Map<Long, Location> where = locate(tree);

    Set<Long> inputs = new HashSet<>();
    byte @Nullable [] smallest = null;
    byte @Nullable [] largest = null;
    int shallowest = Integer.MAX_VALUE;
    int deepest = -1;
    int newestL0 = Integer.MAX_VALUE;
    int oldestL0 = -1;
    int l0Inputs = 0;
    boolean deeperInput = false;
    int listedFiles = 0;
    int previousLevel = -1;

    // Rule 1, and the shape of the inputs list.
    for (CompactionJob.LevelInputs levelInputs : job.inputs()) {
      int level = levelInputs.level();
      listedFiles += levelInputs.fileIds().size();
      if (level < 0 || level >= numLevels) {
        out.add(
            "rule 1: input level "
                + level
                + " does not exist (the tree has levels 0 to "
                + (numLevels - 1)
                + ")");
        continue;
      }
      if (level <= previousLevel) {
        out.add(
            "inputs must list levels shallowest first and each at most once, but level "
                + level
                + " comes after level "
                + previousLevel);
      }
      previousLevel = Math.max(previousLevel, level);
      int previousPosition = -1;
      for (Long id : levelInputs.fileIds()) {
        if (!inputs.add(id)) {
          out.add("rule 1: file " + id + " is listed as an input more than once");
          continue;
        }
        Location location = where.get(id);
        if (location == null) {
          out.add("rule 1: file " + id + " (listed in level " + level + ") is not in the tree");
          continue;
        }
        if (location.level != level) {
          out.add(
              "rule 1: file "
                  + id
                  + " is listed in level "
                  + level
                  + " but is in level "
                  + location.level);
          continue;
        }
        if (tree.compactingFiles().contains(id)) {
          out.add("rule 1: file " + id + " in level " + level + " is already being compacted");
        }
        if (location.position <= previousPosition) {
          out.add(
              "inputs of level "
                  + level
                  + " must be in that level's order, but file "
                  + id
                  + " comes after a file that follows it in the level");
        }
        previousPosition = Math.max(previousPosition, location.position);
        FileShape file = tree.level(level).files().get(location.position);
        if (smallest == null || KeyOrder.compareKeys(file.smallestKey(), smallest) < 0) {
          smallest = file.smallestKey();
        }
        if (largest == null || KeyOrder.compareKeys(file.largestKey(), largest) > 0) {
          largest = file.largestKey();
        }
        shallowest = Math.min(shallowest, level);
        deepest = Math.max(deepest, level);
        if (level == 0) {
          l0Inputs++;
          newestL0 = Math.min(newestL0, location.position);
          oldestL0 = Math.max(oldestL0, location.position);
        } else {
          deeperInput = true;
        }
      }
    }
    if (listedFiles == 0) {
      out.add("rule 1: the job lists no input file");
    }
    if (job.isDrop()) {
      dropViolations(tree, job, inputs, where, out);
      return out;
    }

    // Rule 2.
    int outputLevel = job.outputLevel();
    boolean outputExists = outputLevel >= 0 && outputLevel < numLevels;
    if (!outputExists) {
      out.add(
          "rule 2: output level "
              + outputLevel
              + " does not exist (the tree has levels 0 to "
              + (numLevels - 1)
              + ")");
    } else if (outputLevel < deepest) {
      out.add(
          "rule 2: output level " + outputLevel + " is above the deepest input level " + deepest);
    }
    if (outputLevel == 0) {
      if (deeperInput) {
        out.add("rule 2: output level 0 is allowed only when every input is in level 0");
      } else if (l0Inputs > 0 && oldestL0 - newestL0 + 1 != l0Inputs) {
        out.add(
            "rule 2: output level 0 needs level-0 inputs consecutive in age, but "
                + nonInputsBetween(tree.level(0).files(), newestL0, oldestL0, inputs)
                + " lie between them and are not inputs");
      }
    }

    // Rules 3 and 4 need the key range R of the inputs.
    if (smallest != null && largest != null) {
      String range = "[" + show(smallest) + ", " + show(largest) + "]";
      if (l0Inputs > 0) {
        List<FileShape> l0 = tree.level(0).files();
        for (int i = newestL0 + 1; i < l0.size(); i++) {
          FileShape file = l0.get(i);
          if (!inputs.contains(file.fileId()) && overlaps(file, smallest, largest)) {
            out.add(
                "rule 3: level-0 file "
                    + file.fileId()
                    + " is older than input "
                    + l0.get(newestL0).fileId()
                    + " and overlaps the job's key range "
                    + range
                    + " but is not an input");
          }
        }
      }
      int lastChecked = outputExists ? outputLevel : deepest;
      for (int level = shallowest + 1; level <= lastChecked; level++) {
        for (FileShape file : tree.level(level).files()) {
          if (!inputs.contains(file.fileId()) && overlaps(file, smallest, largest)) {
            out.add(
                "rule 3: file "
                    + file.fileId()
                    + " in level "
                    + level
                    + " overlaps the job's key range "
                    + range
                    + " but is not an input (every level from "
                    + (shallowest + 1)
                    + " to the output level "
                    + outputLevel
                    + " must give all its overlapping files)");
          }
        }
      }
      for (RunningJob running : tree.runningJobs()) {
        if (running.outputLevel() == outputLevel
            && KeyOrder.compareKeys(running.smallestKey(), largest) <= 0
            && KeyOrder.compareKeys(smallest, running.largestKey()) <= 0) {
          out.add(
              "rule 4: the job's key range "
                  + range
                  + " overlaps the output range ["
                  + show(running.smallestKey())
                  + ", "
                  + show(running.largestKey())
                  + "] of a running job with the same output level "
                  + outputLevel);
        }
      }
    }

    if (job.targetFileBytes() <= 0) {
      out.add("targetFileBytes must be positive, but is " + job.targetFileBytes());
    }
    return out;
  }

  /** Rule 5: what a drop job leaves behind must not hold older versions of what it drops. */
  private static void dropViolations(
      TreeShape tree,
      CompactionJob job,
      Set<Long> inputs,
      Map<Long, Location> where,
      List<String> out) {
    for (Long id : job.inputFileIds()) {
      Location location = where.get(id);
      if (location == null) {
        continue; // reported under rule 1
      }
      FileShape dropped = tree.level(location.level).files().get(location.position);
      for (int level = location.level; level < tree.numLevels(); level++) {
        List<FileShape> files = tree.level(level).files();
        // Level 0 is newest first: only files after the dropped one are older. In a deeper level
        // the dropped file's neighbours do not overlap it, so the whole level can be scanned.
        int first =
            level == location.level ? (level == 0 ? location.position + 1 : files.size()) : 0;
        for (int i = first; i < files.size(); i++) {
          FileShape older = files.get(i);
          if (!inputs.contains(older.fileId())
              && overlaps(older, dropped.smallestKey(), dropped.largestKey())) {
            out.add(
                "rule 5: file "
                    + older.fileId()
                    + " in level "
                    + level
                    + " is older than dropped file "
                    + id
                    + " and overlaps it, but is not dropped (its older versions would reappear)");
          }
        }
      }
      for (RunningJob running : tree.runningJobs()) {
        if (overlaps(dropped, running.smallestKey(), running.largestKey())) {
          out.add(
              "rule 5: dropped file "
                  + id
                  + " overlaps the output range ["
                  + show(running.smallestKey())
                  + ", "
                  + show(running.largestKey())
                  + "] of a running job");
        }
      }
    }
  }

  /** Whether {@code job} is valid on {@code tree}: shorthand for empty {@link #violations}. */
  public static boolean isValid(TreeShape tree, CompactionJob job) {
    return violations(tree, job).isEmpty();
  }

  private record Location(int level, int position) {}

  private static Map<Long, Location> locate(TreeShape tree) {
    int files = 0;
    for (LevelShape level : tree.levels()) {
      files += level.files().size();
    }
    Map<Long, Location> where = HashMap.newHashMap(files);
    for (int level = 0; level < tree.numLevels(); level++) {
      List<FileShape> levelFiles = tree.level(level).files();
      for (int i = 0; i < levelFiles.size(); i++) {
        where.putIfAbsent(levelFiles.get(i).fileId(), new Location(level, i));
      }
    }
    return where;
  }

  private static boolean overlaps(FileShape file, byte[] smallest, byte[] largest) {
    return KeyOrder.compareKeys(file.smallestKey(), largest) <= 0
        && KeyOrder.compareKeys(smallest, file.largestKey()) <= 0;
  }

  private static String nonInputsBetween(
      List<FileShape> l0, int newest, int oldest, Set<Long> inputs) {
    List<Long> between = new ArrayList<>();
    for (int i = newest + 1; i < oldest; i++) {
      long id = l0.get(i).fileId();
      if (!inputs.contains(id)) {
        between.add(id);
      }
    }
    return "files " + between;
  }

  /** A key as hex, cut after a few bytes so messages stay short. */
  private static String show(byte[] key) {
    HexFormat hex = HexFormat.of();
    if (key.length <= MAX_KEY_BYTES_SHOWN) {
      return "0x" + hex.formatHex(key);
    }
    return "0x" + hex.formatHex(key, 0, MAX_KEY_BYTES_SHOWN) + "...(" + key.length + " bytes)";
  }
}
