package dev.shale.lsm.cli;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what went wrong into an exit code and one line on standard error, prefixed with the
 * command's name: {@link ExitCode#USAGE} for a bad command line or input ({@link
 * IllegalArgumentException}, which includes an unknown provider name), {@link ExitCode#FAILURE} for
 * damage, storage failures and anything else. With {@code --verbose} the stack trace follows.
 */
final class FailureReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    PrintWriter err = command.getErr();
    err.println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
    err.flush();
    return ExitCode.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
    Throwable failure = unwrap(e);
    int code = exitCodeOf(failure);
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + describe(failure));
    if (ShaleCommand.of(command.getCommandSpec()).verbose()) {
      failure.printStackTrace(err);
    } else if (!isExpected(failure)) {
      err.println("(--verbose prints the stack trace)");
    }
    err.flush();
    return code;
  }

  /** The exit code for {@code failure}. */
  static int exitCodeOf(Throwable failure) {
    return failure instanceof IllegalArgumentException ? ExitCode.USAGE : ExitCode.FAILURE;
  }

  /** {@code failure} in one line for a user. */
  static String describe(Throwable failure) {
    if (failure instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (failure instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (failure instanceof FileSystemException e && e.getMessage() != null) {
      return String.valueOf(e.getMessage());
    }
    String message = failure.getMessage();
    if (isExpected(failure) && message != null && !message.isBlank()) {
      return message;
    }
    return "internal error: " + failure;
  }

  private static Throwable unwrap(Exception e) {
    if (e instanceof UncheckedIOException u) {
      IOException cause = u.getCause();
      if (cause != null) {
        return cause;
      }
    }
    return e;
  }

  private static boolean isExpected(Throwable failure) {
    return failure instanceof IllegalArgumentException
        || failure instanceof CorruptionException
        || failure instanceof StorageIOException
        || failure instanceof ShaleException
        || failure instanceof IllegalStateException
        || failure instanceof IOException;
  }
}
