package dev.shale.lsm.engine.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shale.lsm.spi.EntryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class VersionCollapserTest {
  private static final byte[] K = {1};

  private static List<Long> kept(VersionCollapser c, long[][] versions) {
    List<Long> kept = new ArrayList<>();
    for (long[] v : versions) {
      EntryKind kind = v[1] == 0 ? EntryKind.DELETE : EntryKind.PUT;
      if (c.keep(K, v[0], kind)) {
        kept.add(v[0]);
      }
    }
    return kept;
  }

  @Test
  void withoutSnapshotsOnlyTheNewestVersionSurvives() {
    VersionCollapser c = new VersionCollapser(new long[0], key -> true);
    assertEquals(List.of(9L), kept(c, new long[][] {{9, 1}, {5, 1}, {2, 0}}));
  }

  @Test
  void eachSnapshotKeepsTheVersionItSees() {
    VersionCollapser c = new VersionCollapser(new long[] {20, 10}, key -> true);
    // 25 latest; 15 (delete) seen by snapshot 20; 12 hidden by 15; 5 seen by snapshot 10.
    assertEquals(List.of(25L, 15L, 5L), kept(c, new long[][] {{25, 1}, {15, 0}, {12, 1}, {5, 1}}));
  }

  @Test
  void aTombstoneEveryoneSeesIsDroppedOnlyWhenNothingOlderLivesBelow() {
    VersionCollapser bottom = new VersionCollapser(new long[0], key -> false);
    assertEquals(List.of(), kept(bottom, new long[][] {{9, 0}, {5, 1}}));
    assertEquals(1, bottom.droppedTombstones());
    VersionCollapser notBottom = new VersionCollapser(new long[0], key -> true);
    assertEquals(List.of(9L), kept(notBottom, new long[][] {{9, 0}, {5, 1}}));
  }

  @Test
  void aTombstoneNewerThanASnapshotIsKept() {
    VersionCollapser c = new VersionCollapser(new long[] {7}, key -> false);
    assertEquals(List.of(9L, 5L), kept(c, new long[][] {{9, 0}, {5, 1}}));
  }

  @Provide
  Arbitrary<List<Long>> snapshotSets() {
    return Arbitraries.longs().between(0, 40).list().ofMaxSize(5);
  }

  /** Whatever survives, every snapshot (and the latest state) reads the same value as before. */
  @Property(tries = 500)
  void everySnapshotReadsTheSameAfterCollapsing(
      @ForAll("snapshotSets") List<Long> snapshots, @ForAll("histories") List<Boolean> puts) {
    // versions of one key, newest first, sequences 40, 39, ...
    List<long[]> versions = new ArrayList<>();
    for (int i = 0; i < puts.size(); i++) {
      versions.add(new long[] {40 - i, puts.get(i) ? 1 : 0});
    }
    long[] snaps = snapshots.stream().mapToLong(Long::longValue).toArray();
    VersionCollapser c = new VersionCollapser(snaps, key -> false);
    List<Long> kept = kept(c, versions.toArray(new long[0][]));
    Map<Long, Boolean> keptKinds = new TreeMap<>();
    for (long[] v : versions) {
      if (kept.contains(v[0])) {
        keptKinds.put(v[0], v[1] == 1);
      }
    }
    List<Long> readers = new ArrayList<>(snapshots);
    readers.add(Long.MAX_VALUE);
    for (long s : readers) {
      assertEquals(read(versions, s), readKept(keptKinds, s), "snapshot " + s);
    }
  }

  @Provide
  Arbitrary<List<Boolean>> histories() {
    return Arbitraries.of(true, false).list().ofMaxSize(12);
  }

  /** The sequence of the visible put, or -1 when deleted or absent. */
  private static long read(List<long[]> newestFirst, long snapshot) {
    for (long[] v : newestFirst) {
      if (v[0] <= snapshot) {
        return v[1] == 1 ? v[0] : -1;
      }
    }
    return -1;
  }

  private static long readKept(Map<Long, Boolean> kept, long snapshot) {
    long best = -1;
    boolean put = false;
    for (Map.Entry<Long, Boolean> e : kept.entrySet()) {
      if (e.getKey() <= snapshot && e.getKey() > best) {
        best = e.getKey();
        put = e.getValue();
      }
    }
    return best >= 0 && put ? best : -1;
  }
}
