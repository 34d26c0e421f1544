package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.Shale;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stats, compact, verify, wal dump, sst dump and manifest dump on a Db with tables and a log. */
class InspectionCommandsTest {
  private static final int FLUSHED_KEYS = 2000;

  @TempDir Path dir;

  @BeforeEach
  void createADbWithTablesAndALogTail() {
    // Small blocks so a table has many, and a compaction has several tables to merge.
    DbOptions options = DbOptions.builder().blockBytes(512).build();
    try (Db db = Shale.builder(dir).options(options).open()) {
      for (int round = 0; round < 2; round++) {
        for (int i = round; i < FLUSHED_KEYS; i += 2) {
          db.put(utf8(String.format("key%05d", i)), utf8("value " + i));
        }
        db.flush();
      }
      db.put(utf8("tail"), utf8("v".repeat(200)));
      db.delete(utf8("key00007"));
    }
  }

  @Test
  void statsReportsShapeAndCounters() {
    Cli.Result r = ok("stats", "--db", db());
    for (String expected :
        List.of(
            "last sequence ",
            "memtables ",
            "level    files       bytes      target\n",
            "L0 ",
            "total ",
            "block cache ",
            "hit ratio",
            "amplification  write ",
            "compaction ",
            "stalls ",
            "snapshots ")) {
      assertTrue(r.out().contains(expected), () -> expected + " missing: " + r);
    }
    assertTrue(r.out().contains(String.format("%,d", FLUSHED_KEYS + 2)), r::toString);
  }

  @Test
  void compactMergesEverythingIntoTheLastLevelAndKeepsTheData() {
    Cli.Result r = ok("compact", "--db", db(), "--progress");
    assertTrue(r.out().startsWith("compacted in "), r::toString);
    assertTrue(
        r.out()
            .matches("compacted in .*: \\d+ files? \\(.*\\) before, 1 file \\(.*\\) after; .*\n"),
        r::toString);
    assertTrue(r.stderr().startsWith("compacting: "), r::toString);
    Cli.Result manifest = ok("manifest", "dump", "--db", db());
    int last = DbOptions.defaults().numLevels() - 1;
    assertTrue(manifest.out().contains("\n  L" + last + "\t"), manifest::toString);
    assertFalse(manifest.out().contains("\n  L0\t"), manifest::toString);
    assertEquals("value 1999\n", ok("get", "--db", db(), "key01999").out());
    assertEquals(ExitCode.ABSENT, Cli.run("get", "--db", db(), "key00007").exitCode());
    assertEquals("v".repeat(200) + "\n", ok("get", "--db", db(), "tail").out());
  }

  @Test
  void oneCompactLeavesNoTombstoneAndNoOverwrittenVersion(@TempDir Path fresh) throws IOException {
    String db = fresh.toString();
    for (String[] write :
        List.of(
            new String[] {"put", "a", "1"},
            new String[] {"put", "b", "2"},
            new String[] {"put", "c", "3"},
            new String[] {"put", "b", "two"},
            new String[] {"delete", "a"})) {
      String[] args = new String[write.length + 2];
      args[0] = write[0];
      args[1] = "--db";
      args[2] = db;
      System.arraycopy(write, 1, args, 3, write.length - 1);
      ok(args);
    }
    ok("compact", "--db", db);
    List<Path> live;
    try (Stream<Path> files = Files.list(fresh.resolve("sst"))) {
      live = files.sorted().toList();
    }
    assertEquals(1, live.size(), live::toString);
    String entries = ok("sst", "dump", "--entries", live.get(0).toString()).out();
    String listed = entries.substring(entries.indexOf("entries:\n"));
    assertEquals(
        List.of("  b\t4\tput\ttwo", "  c\t3\tput\t3"), listed.lines().skip(2).toList(), entries);
  }

  @Test
  void compactARangeTakesKeysAsBounds() {
    Cli.Result r = ok("compact", "--db", db(), "--from", "key00100", "--to", "key00200");
    assertTrue(r.out().startsWith("compacted in "), r::toString);
    assertEquals("value 150\n", ok("get", "--db", db(), "key00150").out());
  }

  @Test
  void verifyPassesAnIntactDbWithAProgressBar() {
    Cli.Result r = ok("verify", "--db", db(), "--progress");
    assertTrue(r.out().matches("ok: [1-9][0-9]* tables?, .* verified in .*\n"), r::toString);
    assertTrue(r.stderr().startsWith("verifying ["), r::toString);
    assertTrue(r.stderr().contains("%  "), r::toString);
  }

  @Test
  void verifyFindsAFlippedByteAndNamesTheFile() throws IOException {
    Path table = tables().get(0);
    try (FileChannel ch =
        FileChannel.open(table, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = ch.size() / 2;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      ch.write(b, at);
    }
    Cli.Result r = Cli.run("verify", "--db", db());
    assertEquals(ExitCode.FAILURE, r.exitCode(), r::toString);
    assertTrue(r.stderr().startsWith("shale verify: corruption in "), r::toString);
    assertTrue(r.stderr().contains(table.getFileName().toString()), r::toString);
    assertEquals(1, r.stderr().lines().count(), r::toString);
    assertEquals("", r.out());
  }

  @Test
  void walDumpShowsSegmentsAndRecordsWithLongValuesCut() {
    Cli.Result r = ok("wal", "dump", "--db", db());
    assertTrue(r.out().startsWith("segments: "), r::toString);
    assertTrue(
        r.out().contains("operation\n  put\ttail\t" + "v".repeat(48) + "... (200 bytes)\n"),
        r::toString);
    assertTrue(r.out().contains("  delete\tkey00007\n"), r::toString);
    assertTrue(r.out().contains(" records in "), r::toString);
    Cli.Result full = ok("wal", "dump", "--db", db(), "--full");
    assertTrue(full.out().contains("  put\ttail\t" + "v".repeat(200) + "\n"), full::toString);
    Cli.Result hex = ok("wal", "dump", "--db", db(), "--hex");
    assertTrue(hex.out().contains("  delete\t6b65793030303037\n"), hex::toString);
  }

  @Test
  void sstDumpShowsPropertiesIndexAndEntries() throws IOException {
    Path table = tables().get(0);
    Cli.Result r = ok("sst", "dump", table.toString());
    for (String expected :
        List.of(
            "file       ",
            "format     ",
            "entries    ",
            "keys       key0",
            "sequences  ",
            "index: ",
            "  offset\tsize\tseparator\n  ")) {
      assertTrue(r.out().contains(expected), () -> expected + " missing: " + r);
    }
    assertFalse(r.out().contains("entries:\n"), r::toString);
    Cli.Result entries = ok("sst", "dump", table.toString(), "--entries", "--limit", "3");
    String listed = entries.out().substring(entries.out().indexOf("entries:\n"));
    assertEquals(5, listed.lines().count(), entries::toString); // heading, columns, 3 entries
    assertTrue(
        listed.lines().skip(2).allMatch(l -> l.matches("  key\\d{5}\t\\d+\tput\tvalue \\d+")),
        listed);
  }

  @Test
  void manifestDumpListsTablesAndEdits() throws IOException {
    Cli.Result r = ok("manifest", "dump", "--db", db());
    assertTrue(r.out().startsWith("manifest "), r::toString);
    assertTrue(r.out().contains("\ntables: " + tables().size() + ", "), r::toString);
    for (Path table : tables()) {
      assertTrue(r.out().contains("\t" + table.getFileName() + "\t"), () -> table + ": " + r);
    }
    assertTrue(r.out().contains("\nedits: "), r::toString);
  }

  private List<Path> tables() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("sst"))) {
      List<Path> tables = files.filter(Files::isRegularFile).sorted().toList();
      assertFalse(tables.isEmpty(), "no table was written");
      return tables;
    }
  }

  private String db() {
    return dir.toString();
  }

  private static Cli.Result ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    return r;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
