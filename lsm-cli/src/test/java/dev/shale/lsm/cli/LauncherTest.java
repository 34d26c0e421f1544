package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./shale} launcher from another working directory, as a user would, end to
 * end. Its first run builds the modules with Maven (minutes on a busy machine), so it runs only
 * with {@code -Dshale.launcher.test=true}.
 */
class LauncherTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void putGetScanAndAMissingKeyThroughTheLauncher() throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        Boolean.getBoolean("shale.launcher.test"),
        "runs ./shale and the build it triggers; enable with -Dshale.launcher.test=true");
    Path launcher = Path.of("..", "shale").toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(launcher), launcher + " is missing or not executable");
    String db = dir.resolve("db").toString();

    Cli.Result put = shale(launcher, 30, "put", "--db", db, "b", "two");
    assertEquals(ExitCode.OK, put.exitCode(), put::toString);
    assertEquals(ExitCode.OK, shale(launcher, 2, "put", "--db", db, "a", "one").exitCode());

    Cli.Result get = shale(launcher, 2, "get", "--db", db, "b");
    assertEquals(ExitCode.OK, get.exitCode(), get::toString);
    assertEquals("two\n", get.out());

    Cli.Result scan = shale(launcher, 2, "scan", "--db", db);
    assertEquals(ExitCode.OK, scan.exitCode(), scan::toString);
    assertEquals("a\tone\nb\ttwo\n", scan.out());

    Cli.Result absent = shale(launcher, 2, "get", "--db", db, "c");
    assertEquals(ExitCode.ABSENT, absent.exitCode(), absent::toString);
    assertEquals("", absent.out());
  }

  private Cli.Result shale(Path launcher, long timeoutMinutes, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return ChildProcess.run(dir, Map.of(), timeoutMinutes, command);
  }
}
