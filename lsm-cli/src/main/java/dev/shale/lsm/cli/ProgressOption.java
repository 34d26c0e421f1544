package dev.shale.lsm.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --[no-]progress} option of long-running commands. */
final class ProgressOption {
  @Option(
      names = "--progress",
      negatable = true,
      description =
          "Show progress on standard error (default: only when standard error is a terminal).")
  @Nullable Boolean progress;

  /** A progress line for the command of {@code spec}, as the option and the terminal decide. */
  ProgressLine open(CommandSpec spec) {
    boolean terminal = ShaleCommand.of(spec).stderrIsTerminal();
    ProgressLine.Mode mode;
    if (progress == null) {
      mode = terminal ? ProgressLine.Mode.TERMINAL : ProgressLine.Mode.OFF;
    } else if (progress) {
      mode = terminal ? ProgressLine.Mode.TERMINAL : ProgressLine.Mode.LINES;
    } else {
      mode = ProgressLine.Mode.OFF;
    }
    return new ProgressLine(spec.commandLine().getErr(), mode);
  }
}
