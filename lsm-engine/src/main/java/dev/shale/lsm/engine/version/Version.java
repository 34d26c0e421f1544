package dev.shale.lsm.engine.version;

import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.LevelShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import dev.shale.lsm.spi.compaction.TreeShape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of SSTables per level: level 0 newest first (overlapping), deeper levels in key
 * order (disjoint). Reference counted: while any holder (the version set, a super version, a
 * compaction) holds it, the files it lists stay on disk.
 */
public final class Version {
  /** Level-0 order: newest data first. */
  public static final Comparator<FileMeta> NEWEST_FIRST =
      Comparator.comparingLong(FileMeta::largestSequence)
          .thenComparingLong(FileMeta::fileId)
          .reversed();

  /** Deeper-level order: by smallest key. */
  public static final Comparator<FileMeta> BY_SMALLEST_KEY =
      (a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey());

  private final List<List<FileMeta>> levels;
  private final FileReleaser releaser;
  private final AtomicInteger refs = new AtomicInteger();

  /** Takes the levels as given (already ordered) and references every file. */
  Version(List<List<FileMeta>> levels, FileReleaser releaser) {
    List<List<FileMeta>> copy = new ArrayList<>(levels.size());
    for (List<FileMeta> level : levels) {
      copy.add(List.copyOf(level));
    }
    this.levels = List.copyOf(copy);
    this.releaser = releaser;
    for (List<FileMeta> level : this.levels) {
      for (FileMeta f : level) {
        f.ref();
      }
    }
  }

  /** An empty tree of {@code numLevels} levels. */
  public static Version empty(int numLevels, FileReleaser releaser) {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < numLevels; i++) {
      levels.add(List.of());
    }
    return new Version(levels, releaser);
  }

  public int numLevels() {
    return levels.size();
  }

  /** The files of {@code level}, in the level's order. */
  public List<FileMeta> level(int level) {
    return levels.get(level);
  }

  /** Every file, level by level. */
  public List<FileMeta> allFiles() {
    List<FileMeta> all = new ArrayList<>();
    levels.forEach(all::addAll);
    return all;
  }

  /** Bytes of all files. */
  public long totalBytes() {
    long sum = 0;
    for (List<FileMeta> level : levels) {
      for (FileMeta f : level) {
        sum += f.sizeBytes();
      }
    }
    return sum;
  }

  /** Bytes of the files of {@code level}. */
  public long levelBytes(int level) {
    long sum = 0;
    for (FileMeta f : levels.get(level)) {
      sum += f.sizeBytes();
    }
    return sum;
  }

  /** The level holding {@code fileId}, or -1. */
  public int levelOf(long fileId) {
    for (int l = 0; l < levels.size(); l++) {
      for (FileMeta f : levels.get(l)) {
        if (f.fileId() == fileId) {
          return l;
        }
      }
    }
    return -1;
  }

  /** The file of sorted level {@code level >= 1} whose range may hold {@code key}, or null. */
  public @Nullable FileMeta fileFor(int level, byte[] key) {
    List<FileMeta> files = levels.get(level);
    int lo = 0;
    int hi = files.size() - 1;
    // First file whose largest key is >= key.
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).largestKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (lo < files.size() && KeyOrder.compareKeys(files.get(lo).smallestKey(), key) <= 0) {
      return files.get(lo);
    }
    return null;
  }

  /** Index of the first file of sorted level {@code level} whose largest key is {@code >= key}. */
  public int firstFileAtOrAfter(int level, byte[] key) {
    List<FileMeta> files = levels.get(level);
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).largestKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Files of {@code level} whose range meets {@code [from, to]} (null = open). */
  public List<FileMeta> overlapping(int level, byte @Nullable [] from, byte @Nullable [] to) {
    List<FileMeta> result = new ArrayList<>();
    for (FileMeta f : levels.get(level)) {
      if (f.overlaps(from, to)) {
        result.add(f);
      }
    }
    return result;
  }

  /** The tree as a compaction strategy sees it. */
  public TreeShape shape(Set<Long> compacting, Collection<RunningJob> running) {
    List<LevelShape> shapes = new ArrayList<>(levels.size());
    for (int l = 0; l < levels.size(); l++) {
      shapes.add(new LevelShape(l, levels.get(l).stream().map(FileMeta::toShape).toList()));
    }
    return new TreeShape(shapes, compacting, List.copyOf(running));
  }

  /** Adds a reference; the version must still be referenced by someone. */
  public void ref() {
    if (refs.getAndIncrement() < 0) {
      throw new IllegalStateException("version referenced after release");
    }
  }

  /** Drops a reference; the last one releases the files only this version still listed. */
  public void unref() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      refs.set(Integer.MIN_VALUE / 2); // poison: a late ref() fails loudly
      for (List<FileMeta> level : levels) {
        for (FileMeta f : level) {
          if (f.unref()) {
            releaser.release(f);
          }
        }
      }
    } else if (left < 0) {
      throw new IllegalStateException("version released more often than referenced");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Version[");
    for (int l = 0; l < levels.size(); l++) {
      if (!levels.get(l).isEmpty()) {
        sb.append(" L").append(l).append('=').append(levels.get(l));
      }
    }
    return sb.append(" ]").toString();
  }
}
