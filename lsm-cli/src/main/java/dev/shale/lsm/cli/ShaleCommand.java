package dev.shale.lsm.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code shale} command: reads, writes and inspects Shale databases. Run it through the {@code
 * ./shale} launcher, which passes {@code -Dshale.stdout.terminal} and {@code
 * -Dshale.stderr.terminal} when those streams are terminals (colours in help, progress by default).
 */
@Command(
    name = "shale",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    usageHelpAutoWidth = true,
    description = {"Reads, writes and inspects Shale databases.", ""},
    // More subcommands (serve, bench...) are added to this list.
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      ScanCommand.class,
      LoadCommand.class,
      StatsCommand.class,
      CompactCommand.class,
      VerifyCommand.class,
      RepairCommand.class,
      WalCommand.class,
      SstCommand.class,
      ManifestCommand.class,
      RestoreCommand.class,
      ServeCommand.class
    },
    footerHeading = "%n",
    footer = {HelpTexts.ESCAPING, "", HelpTexts.EXIT_CODES})
public final class ShaleCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli before call()
  @Spec
  CommandSpec spec;

  private final InputStream stdin;
  private final boolean stderrIsTerminal;
  private boolean verbose;

  private ShaleCommand(InputStream stdin, boolean stderrIsTerminal) {
    this.stdin = stdin;
    this.stderrIsTerminal = stderrIsTerminal;
  }

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
                1 << 16));
    PrintWriter err =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
            true);
    int code;
    try {
      code =
          run(
              System.in,
              out,
              err,
              Boolean.getBoolean("shale.stdout.terminal"),
              Boolean.getBoolean("shale.stderr.terminal"),
              args);
    } catch (Throwable t) { // an Error escaping picocli: still one line and the failure code
      err.println("shale: internal error: " + t);
      code = ExitCode.FAILURE;
    }
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs {@code args} with the given streams and returns the exit code. Standard output is flushed
   * before it returns.
   */
  static int run(
      InputStream in,
      PrintWriter out,
      PrintWriter err,
      boolean stdoutIsTerminal,
      boolean stderrIsTerminal,
      String... args) {
    FailureReporter failures = new FailureReporter();
    CommandLine commandLine =
        new CommandLine(new ShaleCommand(in, stderrIsTerminal))
            .setOut(out)
            .setErr(err)
            .setColorScheme(
                Help.defaultColorScheme(stdoutIsTerminal ? Help.Ansi.AUTO : Help.Ansi.OFF))
            .setParameterExceptionHandler(failures)
            .setExecutionExceptionHandler(failures);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The root command of the command line {@code spec} belongs to. */
  static ShaleCommand of(CommandSpec spec) {
    return (ShaleCommand) spec.root().userObject();
  }

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log INFO messages, and stack traces of failures, on standard error.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (verbose) {
      StderrLogging.enableVerbose();
    }
  }

  boolean verbose() {
    return verbose;
  }

  /** Standard input, for {@code load}. */
  InputStream stdin() {
    return stdin;
  }

  boolean stderrIsTerminal() {
    return stderrIsTerminal;
  }

  /** {@code shale} alone: the usage, on standard error, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }
}
