package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: help, version, usage errors. None of these opens a Db. */
class UsageTest {
  @TempDir Path dir;

  @Test
  void noArgumentsPrintsTheUsageAsAUsageError() {
    Cli.Result r = Cli.run();
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(r.stderr().startsWith("Usage: shale"), r::toString);
    assertEquals("", r.out());
  }

  @Test
  void helpListsEveryCommandAndTheEscaping() {
    Cli.Result r = Cli.run("--help");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    for (String command :
        new String[] {
          "put",
          "get",
          "delete",
          "scan",
          "load",
          "stats",
          "compact",
          "verify",
          "wal",
          "sst",
          "manifest"
        }) {
      assertTrue(r.out().contains("\n  " + command + " "), command);
    }
    assertTrue(r.out().contains("\\xHH"), r::toString);
    assertTrue(r.out().contains("Exit codes"), r::toString);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "put",
        "get",
        "delete",
        "scan",
        "load",
        "stats",
        "compact",
        "verify",
        "wal dump",
        "sst dump",
        "manifest dump"
      })
  void everyCommandHasHelpAndVersion(String command) {
    String[] words = command.split(" ");
    Cli.Result help = Cli.run(append(words, "--help"));
    assertEquals(ExitCode.OK, help.exitCode(), help::toString);
    assertTrue(help.out().startsWith("Usage: shale " + command), help::toString);
    Cli.Result version = Cli.run(append(words, "--version"));
    assertEquals(ExitCode.OK, version.exitCode(), version::toString);
    assertTrue(version.out().startsWith("shale " + VersionInfo.version()), version::toString);
  }

  @Test
  void versionNamesTheBuildTheJavaAndTheInstalledParts() {
    Cli.Result r = Cli.run("--version");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertFalse(VersionInfo.version().contains("$"), "the version resource was not filtered");
    assertTrue(r.out().contains("Java " + Runtime.version()), r::toString);
    assertTrue(r.out().contains("installed parts: wal "), r::toString);
    assertTrue(r.out().contains("object-store local, memory, s3"), r::toString);
  }

  @Test
  void aMissingArgumentIsOneLineAndExit2() {
    Cli.Result r = Cli.run("put", "--db", dir.toString(), "k");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertEquals(
        "shale put: Missing required parameter: 'VALUE' (see 'shale put --help')\n",
        r.stderr().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void usageErrorsExit2WithOneLine() {
    assertUsageError(
        "unknown option", "Unknown option: '--nope'", "get", "--db", "d", "--nope", "k");
    assertUsageError("missing --db", "(--db=DIR | --server=HOST:PORT)", "stats");
    assertUsageError("missing --db or --server", "(--db=DIR | --server=HOST:PORT)", "get", "k");
    assertUsageError("group without subcommand", "choose a subcommand: dump", "wal");
    assertUsageError(
        "unknown command", "Unmatched argument at index 0: 'frobnicate'", "frobnicate");
    assertUsageError(
        "bad size",
        "'1q' has an unknown unit 'q'",
        "put",
        "--db",
        "d",
        "--memtable-size",
        "1q",
        "k",
        "v");
    assertUsageError(
        "bad escape",
        "key 'a\\q' at byte 2: unknown escape '\\q'",
        "put",
        "--db",
        dir.resolve("x").toString(),
        "a\\q",
        "v");
    assertUsageError(
        "bad hex",
        "key 'xyz' at byte",
        "put",
        "--db",
        dir.resolve("x").toString(),
        "--hex",
        "xyz",
        "00");
  }

  @Test
  void readingCommandsNeverCreateADb() {
    Path missing = dir.resolve("typo");
    for (String[] args :
        new String[][] {
          {"get", "--db", missing.toString(), "k"},
          {"delete", "--db", missing.toString(), "k"},
          {"scan", "--db", missing.toString()},
          {"stats", "--db", missing.toString()},
          {"compact", "--db", missing.toString()},
          {"verify", "--db", missing.toString()},
          {"wal", "dump", "--db", missing.toString()},
          {"manifest", "dump", "--db", missing.toString()}
        }) {
      Cli.Result r = Cli.run(args);
      assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
      assertTrue(r.stderr().contains("no Shale Db in " + missing), r::toString);
    }
    assertFalse(Files.exists(missing));
    Cli.Result empty = Cli.run("scan", "--db", dir.toString());
    assertEquals(ExitCode.USAGE, empty.exitCode(), empty::toString);
    assertTrue(empty.stderr().contains("(no CURRENT file)"), empty::toString);
  }

  @Test
  void sstDumpOfAMissingFileIsAUsageError() {
    Cli.Result r = Cli.run("sst", "dump", dir.resolve("000001.sst").toString());
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("no such file"), r::toString);
  }

  private void assertUsageError(String what, String message, String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(ExitCode.USAGE, r.exitCode(), () -> what + ": " + r);
    assertTrue(r.stderr().contains(message), () -> what + ": " + r);
    assertEquals(1, r.stderr().lines().count(), () -> what + ": " + r);
    assertEquals("", r.out(), () -> what + ": " + r);
  }

  private static String[] append(String[] words, String last) {
    String[] all = java.util.Arrays.copyOf(words, words.length + 1);
    all[words.length] = last;
    return all;
  }
}
