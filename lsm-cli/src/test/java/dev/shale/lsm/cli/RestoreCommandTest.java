package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.tck.io.DirectoryDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shale restore} (issue 12, items 3 and 13): a store that holds no Db is an error that says
 * what was looked for, and creates nothing; a restore says how much came from tables and how much
 * from the log.
 */
class RestoreCommandTest {
  @TempDir Path dir;

  @Test
  void aStoreDirectoryThatDoesNotExistIsAnErrorAndIsNotCreated() {
    Path missing = dir.resolve("no-such-bucket");
    Path db = dir.resolve("db");
    Cli.Result r = Cli.run("restore", "--from", missing.toUri().toString(), "--db", db.toString());
    assertEquals(ExitCode.FAILURE, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("no Shale Db in " + missing.toUri()), r::toString);
    assertTrue(r.stderr().contains("does not exist"), r::toString);
    assertFalse(Files.exists(missing), "the store directory was created");
    assertFalse(Files.exists(db), "the Db directory was created");
  }

  @Test
  void aStoreWithoutAManifestIsAnErrorAndIsLeftAsItWas() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty-bucket"));
    Files.writeString(empty.resolve("unrelated.txt"), "not a Db");
    Map<String, String> before = DirectoryDigest.of(empty);
    Path db = dir.resolve("db");
    Cli.Result r = Cli.run("restore", "--from", empty.toUri().toString(), "--db", db.toString());
    assertEquals(ExitCode.FAILURE, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("found no manifest object (manifest/<id>)"), r::toString);
    Map<String, String> after = new java.util.TreeMap<>(DirectoryDigest.of(empty));
    // Opening a file:// store makes its (empty) scratch folder; nothing else may appear.
    assertEquals("directory", after.remove("%tmp"), after::toString);
    assertEquals(before, after, "restore claimed or wrote the store");
    assertFalse(Files.exists(db), "the Db directory was created");
  }

  @Test
  void aRestoreSaysWhatCameFromTablesAndWhatFromTheLog() {
    Path bucket = dir.resolve("bucket");
    String uri = bucket.toUri().toString();
    Path primary = dir.resolve("primary");
    for (String key : new String[] {"a", "b", "c"}) {
      Cli.Result put = Cli.run("put", "--db", primary.toString(), "--object-store", uri, key, "1");
      assertEquals(ExitCode.OK, put.exitCode(), put::toString);
    }
    Path restored = dir.resolve("restored");
    Cli.Result r = Cli.run("restore", "--from", uri, "--db", restored.toString());
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(
        r.out()
            .matches(
                "restored .* in .*: \\d+ tables? downloaded \\(.*\\)(, .*)?; last sequence 3, writer epoch \\d+\n"),
        r::toString);
    Cli.Result get = Cli.run("get", "--db", restored.toString(), "c");
    assertEquals("1\n", get.out(), get::toString);
  }
}
