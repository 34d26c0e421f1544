package dev.shale.lsm.tck.compaction;

import dev.shale.lsm.spi.compaction.CompactionJob;
import dev.shale.lsm.spi.compaction.CompactionStrategy;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.JobRules;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A small model of an LSM tree driven by a {@link CompactionStrategy}: flushes add level-0 files,
 * picked jobs are checked with {@link JobRules} and applied by merging their inputs into outputs
 * split at the job's target size (drop jobs remove their inputs), and the bytes written are
 * counted, so write and space amplification can be measured without an engine.
 *
 * <p>The data model: keys are the longs {@code 0 <= k < 2^63}, stored as 8-byte big-endian user
 * keys. A file covers an inclusive key range in which a fraction (its density) of the keys is
 * present, spread evenly; a flush of {@code w} random writes over {@code n} keys holds {@code n (1
 * - e^(-w/n))} distinct keys. A merge keeps one version per key, so the density of a merged key
 * stretch is {@code 1 - prod(1 - d_i)} over the inputs covering it: overwrites shrink merged output
 * as they would in a real tree without snapshots. Tombstones are not modelled.
 *
 * <p>Jobs normally run to completion at once ({@link #compactUntilQuiet}); {@link #startJobs} and
 * {@link #finish} let several run while flushes go on. Applying a job fails with an {@link
 * AssertionError} when the job breaks {@link JobRules} or its output would overlap a file left in a
 * level {@code >= 1}.
 *
 * <p>Not thread-safe: one test drives one simulator.
 */
public final class CompactionSimulator {
  private final CompactionStrategy strategy;
  private final long entryBytes;
  private final List<List<SimFile>> levels = new ArrayList<>();
  private final Set<Long> compacting = new HashSet<>();
  private final List<Started> running = new ArrayList<>();
  private long nextFileId = 1;
  private long nextSequence = 1;
  private long userBytes;
  private long flushBytes;
  private long compactionReadBytes;
  private long compactionWriteBytes;
  private long jobs;
  private long trivialMoves;
  private long droppedBytes;

  /**
   * A simulator of an empty tree.
   *
   * @param strategy the strategy deciding what to compact
   * @param numLevels levels of the tree, level 0 included
   * @param entryBytes bytes one key-value entry takes in a file
   */
  public CompactionSimulator(CompactionStrategy strategy, int numLevels, long entryBytes) {
    if (numLevels < 1 || entryBytes < 1) {
      throw new IllegalArgumentException("need at least one level and one byte per entry");
    }
    this.strategy = strategy;
    this.entryBytes = entryBytes;
    for (int i = 0; i < numLevels; i++) {
      levels.add(new ArrayList<>());
    }
  }

  /** The 8-byte big-endian user key of {@code k}, which must not be negative. */
  public static byte[] key(long k) {
    if (k < 0) {
      throw new IllegalArgumentException("keys are non-negative longs, got " + k);
    }
    return ByteBuffer.allocate(Long.BYTES).putLong(k).array();
  }

  // ---------------------------------------------------------------- workload

  /**
   * Flushes a memtable that took {@code writes} writes at random keys of {@code [firstKey, firstKey
   * + keyCount)}, as a new level-0 file.
   */
  public void flushRandom(long firstKey, long keyCount, long writes) {
    double density = -Math.expm1(-(double) writes / keyCount);
    userBytes += writes * entryBytes;
    flushBytes += addLevel0File(firstKey, firstKey + keyCount - 1, density, writes);
  }

  /** Flushes a memtable that took every key of {@code [firstKey, firstKey + keyCount)} once. */
  public void flushSequential(long firstKey, long keyCount) {
    userBytes += keyCount * entryBytes;
    flushBytes += addLevel0File(firstKey, firstKey + keyCount - 1, 1.0, keyCount);
  }

  /**
   * Adds, as the newest data, a sorted run to {@code level} covering {@code [firstKey, firstKey +
   * keyCount)} at {@code density}, split into files of about {@code fileBytes}, without counting
   * written bytes: this seeds a tree shaped elsewhere. Seed the deepest runs first, so that
   * shallower runs are newer. For level 0 the run becomes one file.
   */
  public void seedRun(int level, long firstKey, long keyCount, double density, long fileBytes) {
    long lastKey = firstKey + keyCount - 1;
    if (level == 0) {
      addLevel0File(firstKey, lastKey, density, (long) (keyCount * density));
      return;
    }
    long sequences = Math.max(1, (long) (keyCount * density));
    List<SimFile> files =
        split(
            List.of(new Segment(firstKey, lastKey + 1, density)),
            fileBytes,
            nextSequence,
            nextSequence + sequences - 1);
    nextSequence += sequences;
    for (SimFile file : files) {
      place(level, file);
    }
  }

  private long addLevel0File(long lo, long hi, double density, long sequences) {
    long seqs = Math.max(1, sequences);
    SimFile file =
        new SimFile(
            nextFileId++, lo, hi, (hi - lo + 1) * density, nextSequence, nextSequence + seqs - 1);
    nextSequence += seqs;
    levels.get(0).add(0, file);
    return file.bytes(entryBytes);
  }

  // ---------------------------------------------------------------- compaction

  /** The tree as the strategy sees it. */
  public TreeShape shape() {
    List<LevelShape> shapes = new ArrayList<>(levels.size());
    for (int level = 0; level < levels.size(); level++) {
      List<FileShape> files = new ArrayList<>(levels.get(level).size());
      for (SimFile file : levels.get(level)) {
        files.add(file.shape(entryBytes));
      }
      shapes.add(new LevelShape(level, files));
    }
    List<RunningJob> jobs = new ArrayList<>(running.size());
    for (Started started : running) {
      jobs.add(new RunningJob(started.job.outputLevel(), key(started.lo), key(started.hi)));
    }
    return new TreeShape(shapes, compacting, jobs);
  }

  /**
   * Picks and applies jobs until the strategy picks none; returns how many ran.
   *
   * @throws AssertionError when more than {@code maxJobs} are picked (the strategy never settles),
   *     or a job is invalid
   */
  public int compactUntilQuiet(int maxJobs) {
    int ran = 0;
    while (true) {
      TreeShape tree = shape();
      Optional<CompactionJob> job = strategy.pickJob(tree);
      if (job.isEmpty()) {
        return ran;
      }
      if (++ran > maxJobs) {
        throw new AssertionError(
            "the strategy picked more than "
                + maxJobs
                + " jobs in a row without settling; the last: "
                + job.get());
      }
      checkValid(tree, job.get());
      apply(job.get());
    }
  }

  /**
   * Picks up to {@code maxJobs} jobs, each while the earlier ones are running, and returns them;
   * they stay running until {@link #finish}ed.
   */
  public List<CompactionJob> startJobs(int maxJobs) {
    List<CompactionJob> started = new ArrayList<>();
    while (started.size() < maxJobs) {
      TreeShape tree = shape();
      Optional<CompactionJob> job = strategy.pickJob(tree);
      if (job.isEmpty()) {
        break;
      }
      checkValid(tree, job.get());
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      for (SimFile file : inputsOf(job.get())) {
        lo = Math.min(lo, file.lo);
        hi = Math.max(hi, file.hi);
      }
      compacting.addAll(job.get().inputFileIds());
      running.add(new Started(job.get(), lo, hi));
      started.add(job.get());
    }
    return started;
  }

  /** The jobs started and not finished, oldest first. */
  public List<CompactionJob> runningJobs() {
    List<CompactionJob> jobs = new ArrayList<>(running.size());
    for (Started started : running) {
      jobs.add(started.job);
    }
    return jobs;
  }

  /** Completes a job returned by {@link #startJobs}. */
  public void finish(CompactionJob job) {
    for (int i = 0; i < running.size(); i++) {
      if (running.get(i).job.equals(job)) {
        running.remove(i);
        job.inputFileIds().forEach(compacting::remove);
        apply(job);
        return;
      }
    }
    throw new IllegalArgumentException("not a running job: " + job);
  }

  private static void checkValid(TreeShape tree, CompactionJob job) {
    List<String> violations = JobRules.violations(tree, job);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "the strategy picked an invalid job " + job + ": " + String.join("; ", violations));
    }
  }

  private List<SimFile> inputsOf(CompactionJob job) {
    List<SimFile> inputs = new ArrayList<>();
    for (CompactionJob.LevelInputs levelInputs : job.inputs()) {
      for (long id : levelInputs.fileIds()) {
        inputs.add(find(levelInputs.level(), id));
      }
    }
    return inputs;
  }

  private SimFile find(int level, long id) {
    for (SimFile file : levels.get(level)) {
      if (file.id == id) {
        return file;
      }
    }
    throw new AssertionError("file " + id + " is not in level " + level);
  }

  private void apply(CompactionJob job) {
    jobs++;
    List<SimFile> inputs = inputsOf(job);
    if (job.isDrop()) {
      for (CompactionJob.LevelInputs levelInputs : job.inputs()) {
        for (long id : levelInputs.fileIds()) {
          levels.get(levelInputs.level()).remove(find(levelInputs.level(), id));
        }
      }
      for (SimFile file : inputs) {
        droppedBytes += file.bytes(entryBytes);
      }
      return;
    }
    int output = job.outputLevel();
    int newestL0Position = Integer.MAX_VALUE;
    for (CompactionJob.LevelInputs levelInputs : job.inputs()) {
      List<SimFile> level = levels.get(levelInputs.level());
      for (long id : levelInputs.fileIds()) {
        SimFile file = find(levelInputs.level(), id);
        if (levelInputs.level() == 0) {
          newestL0Position = Math.min(newestL0Position, level.indexOf(file));
        }
        level.remove(file);
      }
    }
    if (inputs.size() == 1 && job.inputs().get(0).level() != output) {
      trivialMoves++; // the engine moves such a file without rewriting it
      place(output, inputs.get(0));
      return;
    }
    long seqMin = Long.MAX_VALUE;
    long seqMax = Long.MIN_VALUE;
    for (SimFile file : inputs) {
      compactionReadBytes += file.bytes(entryBytes);
      seqMin = Math.min(seqMin, file.seqMin);
      seqMax = Math.max(seqMax, file.seqMax);
    }
    List<SimFile> outputs = split(merge(inputs), job.targetFileBytes(), seqMin, seqMax);
    for (SimFile file : outputs) {
      compactionWriteBytes += file.bytes(entryBytes);
    }
    if (output == 0) {
      levels.get(0).addAll(Math.min(newestL0Position, levels.get(0).size()), outputs);
    } else {
      for (SimFile file : outputs) {
        place(output, file);
      }
    }
  }

  /** Inserts {@code file} in key order into a level {@code >= 1}, which must have room for it. */
  private void place(int level, SimFile file) {
    List<SimFile> files = levels.get(level);
    if (level == 0) {
      files.add(0, file);
      return;
    }
    int at = 0;
    int hi = files.size();
    while (at < hi) {
      int mid = (at + hi) >>> 1;
      if (files.get(mid).lo < file.lo) {
        at = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (at > 0 && files.get(at - 1).hi >= file.lo) {
      throw new AssertionError(overlapMessage(level, file, files.get(at - 1)));
    }
    if (at < files.size() && files.get(at).lo <= file.hi) {
      throw new AssertionError(overlapMessage(level, file, files.get(at)));
    }
    files.add(at, file);
  }

  private static String overlapMessage(int level, SimFile file, SimFile other) {
    return "a job output covering keys ["
        + file.lo
        + ", "
        + file.hi
        + "] would overlap file "
        + other.id
        + " ["
        + other.lo
        + ", "
        + other.hi
        + "] left in level "
        + level;
  }

  // ---------------------------------------------------------------- merge model

  /** A key stretch {@code [lo, end)} where a fraction {@code density} of the keys is present. */
  private record Segment(long lo, long end, double density) {}

  /** The union of the files' keys as segments, one version per key. */
  private static List<Segment> merge(List<SimFile> files) {
    int n = files.size();
    long[][] events = new long[2 * n][];
    for (int i = 0; i < n; i++) {
      events[2 * i] = new long[] {files.get(i).lo, i};
      events[2 * i + 1] = new long[] {files.get(i).hi + 1, i};
    }
    Arrays.sort(events, Comparator.comparingLong((long[] e) -> e[0]));
    boolean[] active = new boolean[n];
    List<Segment> segments = new ArrayList<>();
    double logAbsent = 0; // sum of log(1 - d) over active files with d < 1
    int full = 0; // active files with d >= 1
    int activeCount = 0;
    int e = 0;
    while (e < events.length) {
      long at = events[e][0];
      while (e < events.length && events[e][0] == at) {
        int i = (int) events[e][1];
        SimFile file = files.get(i);
        double d = file.density();
        int sign = active[i] ? -1 : 1;
        active[i] = !active[i];
        activeCount += sign;
        if (d >= 1) {
          full += sign;
        } else {
          logAbsent += sign * Math.log1p(-d);
        }
        e++;
      }
      if (activeCount > 0 && e < events.length) {
        double density = full > 0 ? 1.0 : Math.min(1.0, Math.max(0.0, -Math.expm1(logAbsent)));
        segments.add(new Segment(at, events[e][0], density));
      }
      if (activeCount == 0) {
        logAbsent = 0; // drop rounding error
      }
    }
    return segments;
  }

  /** Cuts segments into files of about {@code targetBytes}. */
  private List<SimFile> split(List<Segment> segments, long targetBytes, long seqMin, long seqMax) {
    double targetEntries = Math.max(1.0, (double) targetBytes / entryBytes);
    List<SimFile> out = new ArrayList<>();
    long fileLo = -1;
    long fileHi = -1;
    double entries = 0;
    for (Segment segment : segments) {
      if (segment.density <= 0) {
        continue;
      }
      long lo = segment.lo;
      while (lo < segment.end) {
        if (fileLo < 0) {
          fileLo = lo;
        }
        double room = targetEntries - entries;
        double available = (segment.end - lo) * segment.density;
        if (available < room) {
          entries += available;
          fileHi = segment.end - 1;
          lo = segment.end;
        } else {
          long take = Math.max(1, (long) Math.ceil(room / segment.density));
          take = Math.min(take, segment.end - lo);
          entries += take * segment.density;
          fileHi = lo + take - 1;
          lo += take;
          out.add(new SimFile(nextFileId++, fileLo, fileHi, entries, seqMin, seqMax));
          fileLo = -1;
          entries = 0;
        }
      }
    }
    if (fileLo >= 0 && entries > 0) {
      out.add(new SimFile(nextFileId++, fileLo, fileHi, entries, seqMin, seqMax));
    }
    return out;
  }

  // ---------------------------------------------------------------- measurements

  /** Bytes the user wrote (entries times entry size). */
  public long userBytes() {
    return userBytes;
  }

  /** Bytes written by flushes and by compactions that were not trivial moves. */
  public long writtenBytes() {
    return flushBytes + compactionWriteBytes;
  }

  /** Bytes compactions read. */
  public long compactionReadBytes() {
    return compactionReadBytes;
  }

  /** Jobs applied so far, trivial moves included. */
  public long jobs() {
    return jobs;
  }

  /** Bytes of the files drop jobs deleted. */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** Jobs that were trivial moves. */
  public long trivialMoves() {
    return trivialMoves;
  }

  /** Written bytes over user bytes (RocksDB's write amplification, WAL excluded). */
  public double writeAmplification() {
    return userBytes == 0 ? 0 : (double) writtenBytes() / userBytes;
  }

  /** Bytes of every file. */
  public long totalBytes() {
    long total = 0;
    for (List<SimFile> level : levels) {
      for (SimFile file : level) {
        total += file.bytes(entryBytes);
      }
    }
    return total;
  }

  /** Number of files. */
  public int fileCount() {
    int count = 0;
    for (List<SimFile> level : levels) {
      count += level.size();
    }
    return count;
  }

  /** Level-0 files. */
  public int level0Files() {
    return levels.get(0).size();
  }

  /** Sorted runs: level-0 files plus non-empty levels {@code >= 1}. */
  public int sortedRuns() {
    int runs = levels.get(0).size();
    for (int level = 1; level < levels.size(); level++) {
      runs += levels.get(level).isEmpty() ? 0 : 1;
    }
    return runs;
  }

  /** Total bytes over the bytes of the last non-empty level, as {@code StrategyBounds} means it. */
  public double spaceAmplification() {
    for (int level = levels.size() - 1; level >= 0; level--) {
      long bytes = 0;
      for (SimFile file : levels.get(level)) {
        bytes += file.bytes(entryBytes);
      }
      if (bytes > 0) {
        return (double) totalBytes() / bytes;
      }
    }
    return 1.0;
  }

  /** Bytes of the live data: one version of every key present anywhere. */
  public long liveBytes() {
    List<SimFile> all = new ArrayList<>();
    levels.forEach(all::addAll);
    double entries = 0;
    for (Segment segment : merge(all)) {
      entries += (segment.end - segment.lo) * segment.density;
    }
    return Math.round(entries * entryBytes);
  }

  /** Total bytes over live bytes: how much more the tree takes than its data needs. */
  public double spaceOverLive() {
    long live = liveBytes();
    return live == 0 ? 1.0 : (double) totalBytes() / live;
  }

  /** The files per level, for failure messages. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("tree:");
    for (int level = 0; level < levels.size(); level++) {
      List<SimFile> files = levels.get(level);
      long bytes = 0;
      for (SimFile file : files) {
        bytes += file.bytes(entryBytes);
      }
      out.append(" L").append(level).append('=').append(files.size()).append(" files/");
      out.append(bytes >> 20).append(" MiB");
    }
    return out.toString();
  }

  private record Started(CompactionJob job, long lo, long hi) {}

  private record SimFile(long id, long lo, long hi, double entries, long seqMin, long seqMax) {
    double density() {
      return Math.min(1.0, entries / ((double) (hi - lo + 1)));
    }

    long bytes(long entryBytes) {
      return Math.max(1, Math.round(entries * entryBytes));
    }

    FileShape shape(long entryBytes) {
      return new FileShape(
          id,
          bytes(entryBytes),
          key(lo),
          key(hi),
          seqMin,
          seqMax,
          Math.max(1, Math.round(entries)),
          0);
    }
  }
}
