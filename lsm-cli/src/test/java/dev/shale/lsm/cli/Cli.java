package dev.shale.lsm.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Runs the shale command in-process with captured streams, as the tests' user. */
final class Cli {
  private Cli() {}

  /** What one run produced. */
  record Result(int exitCode, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
    }
  }

  static Result run(String... args) {
    return runWithInput(new byte[0], false, args);
  }

  static Result runWithInput(String stdin, String... args) {
    return runWithInput(stdin.getBytes(StandardCharsets.UTF_8), false, args);
  }

  /**
   * Runs {@code args} reading {@code stdin}; {@code stderrIsTerminal} stands for what the launcher
   * would detect.
   */
  static Result runWithInput(byte[] stdin, boolean stderrIsTerminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    int code =
        ShaleCommand.run(
            new ByteArrayInputStream(stdin),
            outWriter,
            new PrintWriter(err, true),
            false,
            stderrIsTerminal,
            args);
    outWriter.flush();
    return new Result(code, out.toByteArray(), err.toString());
  }

  /** Deletes a directory tree (for jqwik tries, which get no {@code @TempDir}). */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
