package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command in a child process and collects its exit code and output. */
final class ChildProcess {
  private ChildProcess() {}

  /** The java launcher of the JVM running the tests. */
  static String java() {
    return ProcessHandle.current().info().command().orElseThrow();
  }

  static Cli.Result run(
      Path workingDirectory, Map<String, String> env, long timeoutMinutes, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<byte[]> out = readAll(process.getInputStream());
    CompletableFuture<byte[]> err = readAll(process.getErrorStream());
    boolean exited = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly();
    }
    assertTrue(exited, () -> "timed out: " + command);
    return new Cli.Result(
        process.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
  }

  private static CompletableFuture<byte[]> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
