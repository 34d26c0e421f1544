package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.engine.DbInspector;
import dev.shale.lsm.engine.Engine;
import dev.shale.lsm.spi.KeyOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleted keys never come back: the classic LSM bug is a compaction between upper levels dropping a
 * tombstone (it looks like the oldest version in its inputs) while an older version of the key
 * still lives in a lower level, which then resurfaces.
 */
class DeletedKeysStayDeletedTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static DbOptions options() {
    return DbOptions.builder()
        .memtableBytes(256 * 1024)
        .targetFileBytes(8 * 1024)
        .maxBytesForLevelBase(16 * 1024)
        .level0CompactionTrigger(2)
        .blockBytes(512)
        .build();
  }

  private Db open() {
    return Shale.builder(dir).compaction("leveled").options(options()).open();
  }

  /** Incompressible, so tables have the sizes the options suggest. */
  private static byte[] filler(int i, int round) {
    byte[] v = new byte[200];
    new java.util.SplittableRandom(i * 31L + round).nextBytes(v);
    return v;
  }

  @Test
  void aTombstoneCompactedBetweenUpperLevelsHidesTheVersionInTheLastLevel() throws IOException {
    int last = options().numLevels() - 1;
    try (Db db = open()) {
      for (int i = 0; i < 1000; i++) {
        db.put(b(String.format("k%05d", i)), filler(i, 0));
      }
      db.put(b("k00500x-deleted"), b("old"));
      db.put(b("k00600x-overwritten"), b("old"));
      db.compactRange(null, null);
    }
    Set<Long> bottom = filesAt(last);
    assertTrue(bottom.size() > 5, "the first load should sit in the last level: " + bottom);
    Set<Long> oldVersions = holding(last, b("k00500x-deleted"));
    oldVersions.addAll(holding(last, b("k00600x-overwritten")));
    assertEquals(2, oldVersions.size(), "two last-level tables hold the old versions");

    try (Db db = open()) {
      db.delete(b("k00500x-deleted"));
      db.put(b("k00600x-overwritten"), b("new"));
      // Several small flushes spanning the keys: level 0 compacts into the base level and the
      // base level into the next, all above the last level, which holds the old versions.
      for (int round = 1; round <= 6; round++) {
        for (int i = 400; i < 700; i += 30) {
          db.put(b(String.format("k%05d", i + round)), filler(i, round));
        }
        if (round == 3) {
          db.delete(b("k00600x-overwritten"));
          db.put(b("k00600x-overwritten"), b("newer"));
        }
        db.flush();
        ((Engine) db).awaitBackgroundWork();
      }
      assertNull(db.get(b("k00500x-deleted")));
      assertArrayEquals(b("newer"), db.get(b("k00600x-overwritten")));
    }
    // The scenario happened: the old versions still lie in the untouched last level, and the
    // tombstone went through a compaction into a level between 1 and the last.
    assertTrue(
        filesAt(last).containsAll(oldVersions),
        "the old versions were compacted away; the test proves nothing");
    List<DbInspector.TableInfo> middle =
        manifest().tables().stream().filter(t -> t.level() > 0 && t.level() < last).toList();
    assertTrue(
        middle.stream().anyMatch(t -> t.tombstoneCount() > 0),
        "no compacted tombstone above the last level: " + middle);

    try (Db db = open()) {
      assertNull(db.get(b("k00500x-deleted")));
      assertArrayEquals(b("newer"), db.get(b("k00600x-overwritten")));
      try (DbIterator it = db.iterator(ReadOptions.defaults().withPrefix(b("k00500x")))) {
        it.seekToFirst();
        assertTrue(!it.isValid(), "a scan shows the deleted key");
      }
      // A full compaction may now drop both the tombstone and the old version.
      db.compactRange(null, null);
      assertNull(db.get(b("k00500x-deleted")));
      assertArrayEquals(b("newer"), db.get(b("k00600x-overwritten")));
    }
    try (Db db = open()) {
      assertNull(db.get(b("k00500x-deleted")));
      assertEquals(
          0, manifest().tables().stream().mapToLong(DbInspector.TableInfo::tombstoneCount).sum());
    }
  }

  private DbInspector.ManifestInfo manifest() throws IOException {
    return ShaleTools.onDisk(options()).manifest(dir);
  }

  private Set<Long> holding(int level, byte[] key) throws IOException {
    return manifest().tables().stream()
        .filter(
            t ->
                t.level() == level
                    && KeyOrder.compareKeys(t.smallestKey(), key) <= 0
                    && KeyOrder.compareKeys(key, t.largestKey()) <= 0)
        .map(DbInspector.TableInfo::fileId)
        .collect(Collectors.toSet());
  }

  private Set<Long> filesAt(int level) throws IOException {
    return manifest().tables().stream()
        .filter(t -> t.level() == level)
        .map(DbInspector.TableInfo::fileId)
        .collect(Collectors.toSet());
  }

  // ---- property version ------------------------------------------------------------------------

  sealed interface Op permits Put, Delete, Flush, CompactRange, Reopen {}

  record Put(int key, int value) implements Op {}

  record Delete(int key) implements Op {}

  record Flush() implements Op {}

  record CompactRange(int from, int to) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, 60);
    return Arbitraries.<Op>frequencyOf(
            Tuple.of(
                10,
                Combinators.combine(keys, Arbitraries.integers()).as((k, v) -> (Op) new Put(k, v))),
            Tuple.of(6, keys.map(k -> (Op) new Delete(k))),
            Tuple.of(3, Arbitraries.<Op>just(new Flush())),
            Tuple.of(1, Combinators.combine(keys, keys).as((a, c) -> (Op) new CompactRange(a, c))),
            Tuple.of(1, Arbitraries.<Op>just(new Reopen())))
        .list()
        .ofMinSize(50)
        .ofMaxSize(400);
  }

  /**
   * Random puts and deletes of few keys with frequent flushes, partial manual compactions and tiny
   * levels, so tombstones and the versions they hide are spread over every level; after each reopen
   * and at the end, no deleted key is readable, by get or by scan.
   */
  @Property(tries = 10)
  void noDeletedKeyEverReappears(@ForAll("histories") List<Op> history) {
    Path home = TempDirs.create("shale-tombstones");
    NavigableMap<byte[], byte[]> model = new TreeMap<>(KeyOrder::compareKeys);
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(4096)
            .targetFileBytes(4096)
            .maxBytesForLevelBase(8 * 1024)
            .level0CompactionTrigger(2)
            .blockBytes(256)
            .build();
    Db db = Shale.builder(home).options(options).open();
    try {
      for (Op op : history) {
        switch (op) {
          case Put p -> {
            byte[] v = b(String.format("%d-%0150d", p.key(), p.value() & 0xFFFFFF));
            db.put(key(p.key()), v);
            model.put(key(p.key()), v);
          }
          case Delete d -> {
            db.delete(key(d.key()));
            model.remove(key(d.key()));
          }
          case Flush f -> db.flush();
          case CompactRange c ->
              db.compactRange(key(Math.min(c.from(), c.to())), key(Math.max(c.from(), c.to())));
          case Reopen r -> {
            db.close();
            db = Shale.builder(home).options(options).open();
            check(db, model);
          }
        }
      }
      ((Engine) db).awaitBackgroundWork();
      check(db, model);
      db.close();
      db = Shale.builder(home).options(options).open();
      check(db, model);
    } finally {
      db.close();
      TempDirs.delete(home);
    }
  }

  private static byte[] key(int k) {
    return b(String.format("key%03d", k));
  }

  private static void check(Db db, NavigableMap<byte[], byte[]> model) {
    for (int k = 0; k <= 60; k++) {
      byte[] expected = model.get(key(k));
      assertArrayEquals(expected, db.get(key(k)), "get key" + k);
    }
    List<String> got = new ArrayList<>();
    try (DbIterator it = db.iterator(ReadOptions.defaults())) {
      it.seekToFirst();
      while (it.isValid()) {
        got.add(new String(it.key(), StandardCharsets.UTF_8));
        it.next();
      }
    }
    List<String> want = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      want.add(new String(e.getKey(), StandardCharsets.UTF_8));
    }
    assertEquals(want, got, "keys a scan shows");
  }
}
