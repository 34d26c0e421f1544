package dev.shale.lsm.compaction;

import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.FileShape;
import dev.shale.lsm.spi.compaction.RunningJob;
import java.util.List;

/** An inclusive range of user keys; the arrays are the tree's own and are never modified. */
@SuppressWarnings("ArrayRecordComponent") // compared with KeyOrder, never by identity
record KeyRange(byte[] smallest, byte[] largest) {

  static KeyRange of(FileShape file) {
    return new KeyRange(file.smallestKey(), file.largestKey());
  }

  static KeyRange of(RunningJob job) {
    return new KeyRange(job.smallestKey(), job.largestKey());
  }

  /** The smallest range covering every file of {@code files}, which must not be empty. */
  static KeyRange covering(List<FileShape> files) {
    KeyRange range = of(files.get(0));
    for (int i = 1; i < files.size(); i++) {
      range = range.union(files.get(i));
    }
    return range;
  }

  KeyRange union(FileShape file) {
    return union(file.smallestKey(), file.largestKey());
  }

  KeyRange union(KeyRange other) {
    return union(other.smallest, other.largest);
  }

  private KeyRange union(byte[] lo, byte[] hi) {
    boolean lower = KeyOrder.compareKeys(lo, smallest) < 0;
    boolean higher = KeyOrder.compareKeys(hi, largest) > 0;
    if (!lower && !higher) {
      return this;
    }
    return new KeyRange(lower ? lo : smallest, higher ? hi : largest);
  }

  /** Whether every key of {@code other} lies in this range. */
  boolean contains(KeyRange other) {
    return KeyOrder.compareKeys(smallest, other.smallest) <= 0
        && KeyOrder.compareKeys(other.largest, largest) <= 0;
  }

  boolean overlaps(FileShape file) {
    return KeyOrder.compareKeys(file.smallestKey(), largest) <= 0
        && KeyOrder.compareKeys(smallest, file.largestKey()) <= 0;
  }

  boolean overlaps(KeyRange other) {
    return KeyOrder.compareKeys(other.smallest, largest) <= 0
        && KeyOrder.compareKeys(smallest, other.largest) <= 0;
  }

  /** Whether a running job writing into {@code level} would land inside this range (rule 4). */
  boolean clashesWithRunningJob(List<RunningJob> running, int level) {
    for (RunningJob job : running) {
      if (job.outputLevel() == level && overlaps(of(job))) {
        return true;
      }
    }
    return false;
  }
}
