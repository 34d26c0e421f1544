package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.tck.io.DirectoryDigest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12, items 1 and 4: every command that only reads (wal dump, sst dump, manifest dump, stats,
 * verify, get, scan; with each recovery mode that reads the damage) leaves every byte of the Db
 * directory as it was, on data damaged in each way a writer's open would repair; and a reading
 * command given --object-store refuses instead of claiming the bucket. The directory is hashed
 * before and after each command; a writing command run last must change it, so the comparison is
 * known to be able to fail.
 */
class ReadingCommandsChangeNothingTest {
  private static final int LOGGED_BATCHES = 40;

  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void createADbWithTablesAndALogTail() {
    try (Db db = Shale.open(dir)) {
      for (int round = 0; round < 2; round++) {
        WriteBatch keys = new WriteBatch();
        for (int i = round; i < 2000; i += 2) {
          keys.put(utf8(String.format("key%05d", i)), utf8("value " + i));
        }
        db.write(keys);
        db.flush();
      }
      db.delete(utf8("key00007"));
      for (int batch = 0; batch < LOGGED_BATCHES; batch++) {
        WriteBatch writes = new WriteBatch();
        for (int i = 0; i < 10; i++) {
          writes.put(utf8(String.format("w%03d-%d", batch, i)), utf8("x".repeat(50)));
        }
        db.write(writes);
      }
    }
  }

  /** Damage the next writer's open would repair or clean up, or that verify must report. */
  enum Damage {
    LOG_DAMAGED_IN_THE_MIDDLE,
    LOG_TORN_TAIL,
    TABLE_BYTE_FLIPPED,
    LEFTOVERS_OF_AN_INTERRUPTED_OPEN,
    NO_LOCK_FILE
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void everyReadingCommandLeavesEveryByteAsItWas(Damage damage) throws IOException {
    inflict(damage);
    Map<String, String> before = DirectoryDigest.of(dir);
    List<List<String>> commands = new ArrayList<>();
    for (String mode : List.of("", "POINT_IN_TIME", "SKIP_CORRUPTED")) {
      List<String> recovery = mode.isEmpty() ? List.of() : List.of("--wal-recovery", mode);
      commands.add(concat(List.of("get", "--db", dir.toString(), "key00008"), recovery));
      commands.add(concat(List.of("get", "--db", dir.toString(), "w001-1"), recovery));
      commands.add(concat(List.of("scan", "--db", dir.toString()), recovery));
      commands.add(concat(List.of("stats", "--db", dir.toString()), recovery));
    }
    commands.add(List.of("verify", "--db", dir.toString()));
    commands.add(List.of("wal", "dump", "--db", dir.toString()));
    commands.add(List.of("manifest", "dump", "--db", dir.toString()));
    for (Path table : files(dir.resolve("sst"))) {
      commands.add(List.of("sst", "dump", "--entries", table.toString()));
    }
    for (List<String> command : commands) {
      Cli.Result r = Cli.run(command.toArray(String[]::new));
      assertTrue(r.exitCode() != ExitCode.USAGE, () -> command + ": " + r);
      assertEquals(before, DirectoryDigest.of(dir), () -> damage + ", " + command + ": " + r);
    }
    Cli.Result write =
        Cli.run("put", "--db", dir.toString(), "--wal-recovery", "SKIP_CORRUPTED", "k", "v");
    assertNotEquals(before, DirectoryDigest.of(dir), write::toString);
  }

  @Test
  void aLogDamagedInTheMiddleIsReportedAndReadWithARecoveryMode() throws IOException {
    inflict(Damage.LOG_DAMAGED_IN_THE_MIDDLE);
    Path segment = files(dir.resolve("wal")).getLast();
    Cli.Result verify = Cli.run("verify", "--db", dir.toString());
    assertEquals(ExitCode.FAILURE, verify.exitCode(), verify::toString);
    assertTrue(
        verify.stderr().contains("corruption in " + segment + " at offset "), verify::toString);
    assertTrue(verify.stderr().contains("--wal-recovery POINT_IN_TIME"), verify::toString);
    Cli.Result strict = Cli.run("get", "--db", dir.toString(), "key00008");
    assertEquals(ExitCode.FAILURE, strict.exitCode(), strict::toString);
    assertTrue(strict.stderr().contains(segment.toString()), strict::toString);
    Cli.Result pointInTime =
        Cli.run("scan", "--db", dir.toString(), "--wal-recovery", "POINT_IN_TIME");
    Cli.Result skip = Cli.run("scan", "--db", dir.toString(), "--wal-recovery", "skip_corrupted");
    assertEquals(ExitCode.OK, pointInTime.exitCode(), pointInTime::toString);
    assertEquals(ExitCode.OK, skip.exitCode(), skip::toString);
    long kept = pointInTime.out().lines().filter(l -> l.startsWith("w")).count();
    long salvaged = skip.out().lines().filter(l -> l.startsWith("w")).count();
    assertTrue(kept < salvaged && salvaged < LOGGED_BATCHES * 10, kept + " / " + salvaged);
    assertTrue(pointInTime.out().contains("key01999\tvalue 1999\n"), pointInTime::toString);
  }

  @Test
  void aTornTailIsANoteInVerifyNotAnError() throws IOException {
    inflict(Damage.LOG_TORN_TAIL);
    Cli.Result verify = Cli.run("verify", "--db", dir.toString());
    assertEquals(ExitCode.OK, verify.exitCode(), verify::toString);
    assertTrue(verify.out().contains("; log: "), verify::toString);
    assertTrue(verify.out().contains("\nnote: the log ends in a torn record"), verify::toString);
  }

  @Test
  void readingCommandsRefuseAnObjectStoreInsteadOfClaimingIt() throws IOException {
    Path bucket = dir.resolveSibling(dir.getFileName() + "-bucket");
    Path db = dir.resolveSibling(dir.getFileName() + "-shipped");
    String uri = bucket.toUri().toString();
    assertEquals(
        ExitCode.OK,
        Cli.run("put", "--db", db.toString(), "--object-store", uri, "k", "v").exitCode());
    Map<String, String> bucketBefore = DirectoryDigest.of(bucket);
    Map<String, String> dbBefore = DirectoryDigest.of(db);
    for (String[] command :
        List.of(
            new String[] {"stats", "--db", db.toString(), "--object-store", uri},
            new String[] {"get", "--db", db.toString(), "--object-store", uri, "k"},
            new String[] {"scan", "--db", db.toString(), "--object-store", uri})) {
      Cli.Result r = Cli.run(command);
      assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
      assertTrue(r.stderr().contains("never contacts an object store"), r::toString);
      assertTrue(r.stderr().contains("shale restore --from URI"), r::toString);
      assertEquals(
          bucketBefore, DirectoryDigest.of(bucket), () -> command[0] + " wrote the bucket");
      assertEquals(dbBefore, DirectoryDigest.of(db), () -> command[0] + " changed the Db");
    }
    Cli.Result read = Cli.run("get", "--db", db.toString(), "k");
    assertEquals("v\n", read.out(), read::toString);
  }

  private void inflict(Damage damage) throws IOException {
    Path segment = files(dir.resolve("wal")).getLast();
    switch (damage) {
      case LOG_DAMAGED_IN_THE_MIDDLE -> flip(segment, Files.size(segment) / 2);
      case LOG_TORN_TAIL -> {
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
          f.setLength(f.length() - 5);
        }
      }
      case TABLE_BYTE_FLIPPED -> {
        Path table = files(dir.resolve("sst")).getFirst();
        flip(table, Files.size(table) / 3);
      }
      case LEFTOVERS_OF_AN_INTERRUPTED_OPEN -> {
        Path table = files(dir.resolve("sst")).getLast();
        long id = Long.parseLong(table.getFileName().toString().substring(0, 20));
        Files.copy(table, table.resolveSibling(String.format("%020d.sst", id + 1000)));
        Files.writeString(dir.resolve("CURRENT.tmp"), "MANIFEST-00000000000000999999\n");
        Files.createFile(dir.resolve("wal").resolve(String.format("%020d.wal", 999_999)));
      }
      case NO_LOCK_FILE -> Files.delete(dir.resolve("LOCK"));
    }
  }

  private static void flip(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int x = f.read();
      f.seek(at);
      f.write(x ^ 0x40);
    }
  }

  private static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
