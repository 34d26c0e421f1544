package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionOptions;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds random valid tree shapes, for the suite's properties and for anyone testing code that
 * consumes {@link TreeShape}s: level 0 with overlapping files ordered newest first, every deeper
 * level a sorted run of non-overlapping files (some spanning the whole key space, some a part of
 * it, some empty), sizes around what the options aim for so that some levels are over their goals
 * and others not, sequence numbers falling with age, and optional compacting files and running
 * jobs.
 */
public final class RandomTrees {
  /** Keys are {@code 0 <= k < KEY_SPACE}, stored 8-byte big-endian, so ranges overlap often. */
  public static final int KEY_SPACE = 10_000;

  private RandomTrees() {}

  /**
   * The description of one random tree; {@link #build} turns it into a shape, the same shape every
   * time.
   *
   * @param options the options the strategy is created with
   * @param seed the source of every other random choice
   * @param level0Files files in level 0
   * @param maxFilesPerLevel most files in a level {@code >= 1}
   * @param compactingPercent chance, in percent, that a file is marked compacting
   * @param runningJobs running jobs with random output levels and ranges
   */
  public record Spec(
      CompactionOptions options,
      long seed,
      int level0Files,
      int maxFilesPerLevel,
      int compactingPercent,
      int runningJobs) {

    /** The same spec with nothing compacting and nothing running. */
    public Spec idle() {
      return new Spec(options, seed, level0Files, maxFilesPerLevel, 0, 0);
    }

    /** The tree this spec describes; equal (but fresh) trees on every call. */
    public TreeShape build() {
      return RandomTrees.build(this);
    }

    @Override
    public String toString() {
      return "Spec[seed="
          + seed
          + ", level0Files="
          + level0Files
          + ", maxFilesPerLevel="
          + maxFilesPerLevel
          + ", compactingPercent="
          + compactingPercent
          + ", runningJobs="
          + runningJobs
          + ", options="
          + options
          + "]\n"
          + describe(build());
    }
  }

  private static long keyValue(byte[] key) {
    return key.length == Long.BYTES ? ByteBuffer.wrap(key).getLong() : -1;
  }

  private static TreeShape build(Spec spec) {
    Random random = new Random(spec.seed());
    CompactionOptions options = spec.options();
    int numLevels = options.numLevels();
    List<List<long[]>> layout = new ArrayList<>(); // per level: {lo, hi, bytes}
    List<long[]> l0 = new ArrayList<>();
    for (int i = 0; i < spec.level0Files(); i++) {
      long lo;
      long hi;
      if (random.nextInt(3) == 0) {
        lo = 0;
        hi = KEY_SPACE - 1;
      } else {
        lo = random.nextInt(KEY_SPACE);
        hi = Math.min(KEY_SPACE - 1, lo + random.nextInt(KEY_SPACE / 2));
      }
      l0.add(new long[] {lo, hi, bytesAround(random, options.targetFileBytes())});
    }
    layout.add(l0);
    double levelBytes = options.maxBytesForLevelBase();
    for (int level = 1; level < numLevels; level++) {
      List<long[]> files = new ArrayList<>();
      int kind = random.nextInt(10);
      if (kind >= 3) {
        int count = 1 + random.nextInt(Math.max(1, spec.maxFilesPerLevel()));
        long from = 0;
        long to = KEY_SPACE;
        if (kind < 6) {
          from = random.nextInt(KEY_SPACE / 2);
          to = from + 1 + random.nextInt(KEY_SPACE / 2);
        }
        TreeSet<Long> points = new TreeSet<>();
        for (int i = 0; i < 2 * count; i++) {
          points.add(from + (long) (random.nextDouble() * (to - from)));
        }
        List<Long> sorted = new ArrayList<>(points);
        double total = levelBytes * Math.exp(random.nextGaussian());
        int pairs = sorted.size() / 2;
        for (int i = 0; i + 1 < sorted.size(); i += 2) {
          long bytes = Math.max(1, (long) (total / pairs * (0.5 + random.nextDouble())));
          files.add(new long[] {sorted.get(i), sorted.get(i + 1), bytes});
        }
      }
      layout.add(files);
      levelBytes *= options.levelMultiplier();
    }

    List<Long> ids = new ArrayList<>();
    int fileCount = 0;
    for (List<long[]> files : layout) {
      fileCount += files.size();
    }
    for (long id = 1; id <= fileCount; id++) {
      ids.add(id * 7 + random.nextInt(7));
    }
    Collections.shuffle(ids, random);

    long sequence = 1_000_000_000L;
    int next = 0;
    Set<Long> compacting = new HashSet<>();
    List<LevelShape> levels = new ArrayList<>(numLevels);
    for (int level = 0; level < numLevels; level++) {
      List<FileShape> files = new ArrayList<>();
      for (long[] f : layout.get(level)) {
        long entries = Math.max(1, f[2] / 100);
        long span = 1L + random.nextInt(1000);
        long largest = sequence;
        long smallest = sequence - span;
        sequence = smallest - 1 - random.nextInt(10);
        long id = ids.get(next++);
        files.add(
            new FileShape(
                id,
                f[2],
                CompactionSimulator.key(f[0]),
                CompactionSimulator.key(f[1]),
                smallest,
                largest,
                entries,
                random.nextInt(2)));
        if (random.nextInt(100) < spec.compactingPercent()) {
          compacting.add(id);
        }
      }
      levels.add(new LevelShape(level, files));
    }
    List<RunningJob> running = new ArrayList<>();
    for (int i = 0; i < spec.runningJobs(); i++) {
      long lo = random.nextInt(KEY_SPACE);
      long hi = Math.min(KEY_SPACE - 1, lo + random.nextInt(KEY_SPACE / 4));
      running.add(
          new RunningJob(
              random.nextInt(numLevels), CompactionSimulator.key(lo), CompactionSimulator.key(hi)));
    }
    return new TreeShape(levels, compacting, running);
  }

  private static long bytesAround(Random random, long bytes) {
    return Math.max(1, (long) (bytes * Math.exp(random.nextGaussian() - 0.5)));
  }

  /**
   * One line per level (file id, a star when compacting, key range as longs, size) and one per
   * running job: for failure messages.
   */
  public static String describe(TreeShape tree) {
    StringBuilder out = new StringBuilder();
    for (LevelShape level : tree.levels()) {
      out.append("  L").append(level.level()).append(':');
      for (FileShape file : level.files()) {
        out.append(' ')
            .append(file.fileId())
            .append(tree.compactingFiles().contains(file.fileId()) ? "*" : "")
            .append('[')
            .append(keyValue(file.smallestKey()))
            .append('-')
            .append(keyValue(file.largestKey()))
            .append("]=")
            .append(file.sizeBytes());
      }
      out.append('\n');
    }
    for (RunningJob job : tree.runningJobs()) {
      out.append("  running into L")
          .append(job.outputLevel())
          .append(" [")
          .append(keyValue(job.smallestKey()))
          .append('-')
          .append(keyValue(job.largestKey()))
          .append("]\n");
    }
    return out.toString();
  }
}
