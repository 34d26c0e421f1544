package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.client.ShaleClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shale serve} in a child JVM: a SIGTERM drains and exits 0 (it was 143), {@code stats
 * --server} reports the running server, and a blank {@code SHALE_TOKEN} is refused instead of
 * meaning no authentication.
 */
class ServeCommandTest {
  @TempDir Path dir;

  private static List<String> serve(Path dir) {
    return List.of(
        ChildProcess.java(),
        "-Xmx256m",
        "-cp",
        System.getProperty("java.class.path"),
        ShaleCommand.class.getName(),
        "serve",
        "--db",
        dir.toString(),
        "--port",
        "0");
  }

  @Test
  void sigtermDrainsAndExitsZeroAndStatsReachTheServer() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(serve(dir)).redirectErrorStream(true);
    builder.environment().remove("SHALE_TOKEN");
    Process process = builder.start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Pattern listening = Pattern.compile("listening on [0-9.]+:(\\d+)");
      int port = -1;
      for (String line; port < 0 && (line = out.readLine()) != null; ) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertTrue(port > 0, "the server said where it listens");
      try (ShaleClient client = ShaleClient.builder("127.0.0.1", port).build()) {
        client.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      }
      Cli.Result stats = Cli.run("stats", "--server", "127.0.0.1:" + port);
      assertEquals(ExitCode.OK, stats.exitCode(), stats.toString());
      assertTrue(stats.out().contains("health         reads SERVING, writes SERVING"), stats.out());
      assertTrue(stats.out().contains("lifetime"), stats.out());
      assertTrue(stats.out().contains("1 operations"), stats.out());
      Thread drain =
          new Thread(
              () -> {
                try {
                  out.transferTo(java.io.Writer.nullWriter());
                } catch (java.io.IOException ignored) {
                  // the child exited
                }
              });
      drain.setDaemon(true);
      drain.start();
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the server stopped");
      assertEquals(0, process.exitValue(), "a SIGTERM drain is a clean exit");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aBlankTokenInTheEnvironmentIsRefused() throws Exception {
    Cli.Result r = ChildProcess.run(dir, Map.of("SHALE_TOKEN", "  "), 2, serve(dir));
    assertEquals(ExitCode.USAGE, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("SHALE_TOKEN is set but empty"), r.stderr());
  }
}
