package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command in a child JVM on the module path alone (no class path): proves that every
 * module descriptor resolves, that the parts are found through {@code provides}/{@code uses}, and
 * that logging reaches logback, since nothing is reported on standard error.
 */
class ModulePathTest {
  private static final String MAIN = "dev.shale.lsm.cli/dev.shale.lsm.cli.ShaleCommand";

  @TempDir Path dir;

  @Test
  void putAndGetRunOnTheModulePath() throws IOException, InterruptedException {
    String db = dir.resolve("db").toString();
    Cli.Result put = shale("put", "--db", db, "k\u00e9y", "v\\x00lue");
    assertEquals(ExitCode.OK, put.exitCode(), put::toString);
    assertEquals("", put.stderr(), "nothing on stderr: logging found logback, no warnings");

    Cli.Result get = shale("get", "--db", db, "k\u00e9y");
    assertEquals(ExitCode.OK, get.exitCode(), get::toString);
    assertEquals("v\\x00lue\n", get.out());

    Cli.Result absent = shale("get", "--db", db, "nope");
    assertEquals(ExitCode.ABSENT, absent.exitCode(), absent::toString);

    Cli.Result version = shale("--version");
    assertTrue(version.out().contains("memtable skiplist"), version::toString);
  }

  private Cli.Result shale(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(ChildProcess.java(), "-p", modulePath(), "-m", MAIN));
    command.addAll(List.of(args));
    return ChildProcess.run(dir, Map.of(), 2, command);
  }

  /**
   * This module's classes, then its runtime dependencies as Maven resolved them, with the Shale
   * modules as their exploded {@code target/classes} directories (the launcher uses the jars).
   */
  private static String modulePath() throws IOException {
    Path target = Path.of("target");
    Path classpathFile = target.resolve("runtime-classpath.txt");
    assertTrue(
        Files.exists(classpathFile),
        "run through Maven: the dependency plugin writes " + classpathFile.toAbsolutePath());
    List<String> path =
        new ArrayList<>(List.of(target.resolve("classes").toAbsolutePath().toString()));
    for (String entry :
        Files.readString(classpathFile, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
      path.add(explodedModule(Path.of(entry)).toString());
    }
    return String.join(File.pathSeparator, path);
  }

  /** {@code lsm-x/target/classes} for {@code lsm-x/target/lsm-x-1.0.jar}, else the entry itself. */
  private static Path explodedModule(Path entry) {
    Path folder = entry.getParent();
    if (folder != null && folder.endsWith("target")) {
      Path classes = folder.resolve("classes");
      if (Files.exists(classes.resolve("module-info.class"))) {
        return classes;
      }
    }
    return entry;
  }
}
