package dev.shale.lsm.engine.compaction;

import dev.shale.lsm.engine.table.VersionCollapser;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.engine.version.Version;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.compaction.CompactionJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a compaction does not rewrite that may hold older versions of its keys: every file in a
 * level deeper than the output, and, for an output in level 0, the level-0 files older than the
 * inputs. A tombstone may be dropped only where none of them covers its key.
 */
final class OlderFilesBelow implements VersionCollapser.KeyHistory {
  private final List<List<FileMeta>> sortedLevels = new ArrayList<>();
  private final int[] cursors;
  private final List<FileMeta> olderLevel0 = new ArrayList<>();

  OlderFilesBelow(Version version, CompactionJob job) {
    for (int l = Math.max(1, job.outputLevel() + 1); l < version.numLevels(); l++) {
      if (!version.level(l).isEmpty()) {
        sortedLevels.add(version.level(l));
      }
    }
    cursors = new int[sortedLevels.size()];
    if (job.outputLevel() == 0) {
      Set<Long> inputs = new HashSet<>(job.inputFileIds());
      long oldestInput = Long.MAX_VALUE;
      for (FileMeta f : version.level(0)) {
        if (inputs.contains(f.fileId())) {
          oldestInput = Math.min(oldestInput, f.largestSequence());
        }
      }
      for (FileMeta f : version.level(0)) {
        if (!inputs.contains(f.fileId()) && f.largestSequence() < oldestInput) {
          olderLevel0.add(f);
        }
      }
    }
  }

  @Override
  public boolean mayHaveOlderVersionsBelow(byte[] key) {
    for (FileMeta f : olderLevel0) {
      if (f.covers(key)) {
        return true;
      }
    }
    for (int i = 0; i < sortedLevels.size(); i++) {
      List<FileMeta> files = sortedLevels.get(i);
      int c = cursors[i];
      while (c < files.size() && KeyOrder.compareKeys(files.get(c).largestKey(), key) < 0) {
        c++;
      }
      cursors[i] = c;
      if (c < files.size() && KeyOrder.compareKeys(files.get(c).smallestKey(), key) <= 0) {
        return true;
      }
    }
    return false;
  }
}
