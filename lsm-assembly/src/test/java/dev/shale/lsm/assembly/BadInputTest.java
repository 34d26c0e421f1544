package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.DbInspector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files and bad calls: a truncated table, a table with a wrong magic or a format that is
 * not installed, a corrupted manifest, and bad arguments or calls after close. Each fails with a
 * clear exception ({@link CorruptionException} naming the file and offset for damage) and damages
 * nothing else: the other table stays readable, and once the damaged file is restored the Db reads
 * everything again.
 */
class BadInputTest {
  private static final int KEYS = 400;
  private static final DbOptions OPTIONS = DbOptions.builder().build();

  @TempDir Path dir;
  private Path tableA;
  private Path tableB;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(String group, int i) {
    return b(group + i + "-".repeat(i % 50));
  }

  private Db open() {
    return Shale.builder(dir).compaction(new NoCompaction()).options(OPTIONS).open();
  }

  /** Two tables with disjoint keys: "a..." in one, "b..." in the other. */
  @BeforeEach
  void twoTables() throws IOException {
    try (Db db = open()) {
      for (String group : new String[] {"a", "b"}) {
        for (int i = 0; i < KEYS; i++) {
          db.put(b(String.format("%s%05d", group, i)), value(group, i));
        }
        db.flush();
      }
    }
    DbInspector.ManifestInfo manifest = ShaleTools.onDisk(OPTIONS).manifest(dir);
    assertEquals(2, manifest.tables().size());
    for (DbInspector.TableInfo t : manifest.tables()) {
      if (t.smallestKey()[0] == 'a') {
        tableA = t.path();
      } else {
        tableB = t.path();
      }
    }
  }

  @Test
  void aTruncatedTable() throws IOException {
    CorruptionException e = damaged(tableA, bytes -> Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(e.offset() >= 0, "offset " + e.offset());
  }

  @Test
  void aTableCutInsideItsHeader() throws IOException {
    CorruptionException e = damaged(tableA, bytes -> Arrays.copyOf(bytes, 6));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }

  @Test
  void aTableWithAWrongMagic() throws IOException {
    CorruptionException e =
        damaged(
            tableA,
            bytes -> {
              byte[] copy = bytes.clone();
              System.arraycopy(b("NOTATABL"), 0, copy, 0, 8);
              return copy;
            });
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void aTableOfAFormatThatIsNotInstalled() throws IOException {
    CorruptionException e = damaged(tableA, bytes -> renameFormat(bytes, "blokk"));
    assertTrue(e.getMessage().contains("'blokk'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("available: " + String.join(", ", installedFormats())),
        e.getMessage());
  }

  @Test
  void aCorruptedManifest() throws IOException {
    Path manifest = dir.resolve(ShaleTools.onDisk(OPTIONS).manifest(dir).manifestFile());
    byte[] original = Files.readAllBytes(manifest);
    Set<String> before = listing();
    byte[] flipped = original.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(manifest, flipped);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(e.file().endsWith(manifest.getFileName().toString()), e.file());
    assertTrue(e.offset() >= 0 && e.offset() < original.length, "offset " + e.offset());
    assertEquals(before, listing(), "a failed open changed the directory");
    Files.write(manifest, original);
    checkEverythingReadable();
  }

  /** Damages {@code table}, checks what fails and what still works, restores it; the failure. */
  private CorruptionException damaged(Path table, UnaryOperator<byte[]> damage) throws IOException {
    byte[] original = Files.readAllBytes(table);
    Files.write(table, damage.apply(original));
    Set<String> before = listing();
    CorruptionException failure;
    try (Db db = open()) {
      failure =
          assertThrows(CorruptionException.class, () -> db.get(b("a00007")), "read of the table");
      for (int i = 0; i < KEYS; i += 13) {
        assertArrayEquals(value("b", i), db.get(b(String.format("b%05d", i))), "other table");
      }
      assertThrows(
          CorruptionException.class,
          () -> {
            try (var scan = db.scan(ReadOptions.defaults())) {
              scan.count();
            }
          },
          "a scan over the table");
      db.put(b("c"), b("written after the damage"));
    }
    assertTrue(
        failure.file().endsWith(table.getFileName().toString()),
        "the exception should name " + table + ": " + failure.file());
    Set<String> after = listing();
    assertTrue(after.containsAll(before), "files were removed: " + before + " -> " + after);
    Files.write(table, original);
    assertArrayEquals(original, Files.readAllBytes(tableA.equals(table) ? tableA : tableB));
    checkEverythingReadable();
    try (Db db = open()) {
      assertArrayEquals(b("written after the damage"), db.get(b("c")));
    }
    return failure;
  }

  private void checkEverythingReadable() throws IOException {
    try (Db db = open()) {
      for (String group : new String[] {"a", "b"}) {
        for (int i = 0; i < KEYS; i++) {
          assertArrayEquals(value(group, i), db.get(b(String.format("%s%05d", group, i))));
        }
      }
    }
    assertEquals(2, ShaleTools.onDisk(OPTIONS).verify(dir, n -> {}).tables());
  }

  private Set<String> listing() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  private static Set<String> installedFormats() {
    return Shale.installedProviders().get("table-format");
  }

  /** The table with its header naming {@code name} (same length) and a valid header checksum. */
  private static byte[] renameFormat(byte[] table, String name) {
    byte[] copy = table.clone();
    int length = copy[8] & 0xFF;
    assertEquals(name.length(), length, "same-length name keeps the rest of the file in place");
    System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, copy, 9, length);
    int crcAt = 9 + length + 4;
    CRC32C crc = new CRC32C();
    crc.update(copy, 0, crcAt);
    ByteBuffer.wrap(copy, crcAt, 4).putInt((int) crc.getValue());
    return copy;
  }

  // ---- bad calls
  // ---------------------------------------------------------------------------------

  @Test
  void badArgumentsChangeNothing() {
    DbOptions limits =
        DbOptions.builder().maxKeyBytes(16).maxValueBytes(64).maxBatchBytes(512).build();
    try (Db db = Shale.builder(dir).options(limits).open()) {
      long sequence = db.stats().lastSequence();
      assertThrows(IllegalArgumentException.class, () -> db.delete(null));
      assertThrows(IllegalArgumentException.class, () -> db.delete(new byte[17]));
      assertThrows(IllegalArgumentException.class, () -> db.get(new byte[0]));
      assertThrows(IllegalArgumentException.class, () -> db.iterator(null));
      assertThrows(
          IllegalArgumentException.class,
          () -> db.write(new WriteBatch().put(b("ok"), b("1")).delete(new byte[17])));
      assertThrows(
          IllegalArgumentException.class,
          () -> db.write(new WriteBatch().put(b("ok"), b("1")).put(b("v"), new byte[65])));
      assertThrows(IllegalArgumentException.class, () -> new WriteBatch().put(new byte[0], b("1")));
      assertEquals(sequence, db.stats().lastSequence(), "a rejected call wrote something");
      assertNull(db.get(b("ok")));
      // The limits themselves are accepted.
      db.put(new byte[16], new byte[64]);
      assertArrayEquals(new byte[64], db.get(new byte[16]));
    }
  }

  @Test
  void everyCallAfterCloseIsRefused() {
    Db db = open();
    db.close();
    assertThrows(IllegalStateException.class, () -> db.delete(b("a00001")));
    assertThrows(IllegalStateException.class, () -> db.write(new WriteBatch().put(b("x"), b("1"))));
    assertThrows(IllegalStateException.class, db::flush);
    assertThrows(IllegalStateException.class, () -> db.compactRange(null, null));
    assertThrows(IllegalStateException.class, () -> db.scan(ReadOptions.defaults()));
    assertThrows(IllegalStateException.class, () -> db.get(b("a00001"), ReadOptions.defaults()));
    assertThrows(IllegalStateException.class, db::beginTransaction);
    try (Db again = open()) {
      assertArrayEquals(value("a", 1), again.get(b("a00001")));
      assertNull(again.get(b("x")));
    }
  }
}
