package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.assembly.Shale;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PutGetDeleteTest {
  @TempDir Path dir;

  @Test
  void putThenGetThenDelete() {
    ok("put", "--db", db(), "greeting", "hello world");
    Cli.Result get = Cli.run("get", "--db", db(), "greeting");
    assertEquals(ExitCode.OK, get.exitCode(), get::toString);
    assertEquals("hello world\n", get.out());
    assertEquals("", get.stderr());

    ok("delete", "--db", db(), "greeting");
    Cli.Result gone = Cli.run("get", "--db", db(), "greeting");
    assertEquals(ExitCode.ABSENT, gone.exitCode(), gone::toString);
    assertEquals("", gone.out());
    assertEquals("shale get: no such key: greeting\n", gone.stderr());
  }

  @Test
  void aPutSurvivesReopeningWithTheApi() {
    ok("put", "--db", db(), "k\\x00\u00e9", "v\\tw");
    try (Db reopened = Shale.open(dir)) {
      assertArrayEquals(
          "v\tw".getBytes(StandardCharsets.UTF_8),
          reopened.get(new byte[] {'k', 0, (byte) 0xC3, (byte) 0xA9}));
    }
    Cli.Result get = Cli.run("get", "--db", db(), "k\\x00\u00e9");
    assertEquals("v\\tw\n", get.out(), get::toString);
  }

  @Test
  void hexKeysAndValues() {
    ok("put", "--db", db(), "--hex", "00ff", "CAFE");
    ok("put", "--db", db(), "--hex", "01", "");
    assertEquals("cafe\n", Cli.run("get", "--db", db(), "--hex", "00FF").out());
    assertEquals("\\xca\\xfe\n", Cli.run("get", "--db", db(), "\\x00\\xff").out());
    assertEquals("\n", Cli.run("get", "--db", db(), "--hex", "01").out());
    try (Db reopened = Shale.open(dir)) {
      assertArrayEquals(new byte[0], reopened.get(new byte[] {1}));
    }
  }

  @Test
  void anEmptyKeyIsAUsageErrorAndWritesNothing() {
    ok("put", "--db", db(), "a", "1");
    Cli.Result r = Cli.run("put", "--db", db(), "", "v");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(r.stderr().startsWith("shale put: "), r::toString);
    assertEquals("a\t1\n", Cli.run("scan", "--db", db()).out());
  }

  @Test
  void anUnknownProviderNameIsAUsageErrorListingTheInstalledOnes() {
    SortedSet<String> memtables = Shale.installedProviders().get("memtable");
    Cli.Result r = Cli.run("put", "--db", db(), "--memtable", "no-such-memtable", "k", "v");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("'no-such-memtable'"), r::toString);
    for (String name : memtables) {
      assertTrue(r.stderr().contains(name), () -> name + " not listed: " + r);
    }
    assertEquals(1, r.stderr().lines().count(), r::toString);
    for (String option : Set.of("--compaction", "--table-format", "--block-cache")) {
      Cli.Result other = Cli.run("put", "--db", db(), option, "no-such-part", "k", "v");
      assertEquals(ExitCode.USAGE, other.exitCode(), () -> option + ": " + other);
      assertTrue(other.stderr().contains("'no-such-part'"), () -> option + ": " + other);
    }
  }

  @Test
  void anUnknownCompressionIsAUsageError() {
    Cli.Result r = Cli.run("put", "--db", db(), "--compression", "no-such-codec", "k", "v");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("no-such-codec"), r::toString);
  }

  @Test
  void everyInstalledMemtableAndCompactionCanBeChosenByName() {
    int i = 0;
    for (String memtable : Shale.installedProviders().get("memtable")) {
      for (String compaction : Shale.installedProviders().get("compaction")) {
        String key = "k" + i++;
        ok("put", "--db", db(), "--memtable", memtable, "--compaction", compaction, key, memtable);
        Cli.Result get =
            Cli.run("get", "--db", db(), "--memtable", memtable, "--compaction", compaction, key);
        assertEquals(memtable + "\n", get.out(), get::toString);
      }
    }
    assertTrue(i >= 2, "expected at least two memtables or strategies installed");
  }

  @Test
  void optionsAUserChangesAreAccepted() {
    ok(
        "put",
        "--db",
        db(),
        "--memtable-size",
        "1m",
        "--block-cache-size",
        "4m",
        "--compression",
        "none",
        "k",
        "v");
    assertEquals("v\n", Cli.run("get", "--db", db(), "--block-cache-size", "0", "k").out());
  }

  private String db() {
    return dir.toString();
  }

  static void ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
  }
}
