package dev.shale.lsm.cli;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.jspecify.annotations.Nullable;
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

  /**
   * {@code failure} in one line for a user: what went wrong, with every cause the message does not
   * already say (the reason a file could not be opened is usually in the cause), then what to do
   * where that is known.
   */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder(describeOne(failure));
    Throwable root = failure;
    for (Throwable cause = failure.getCause();
        cause != null && cause != root;
        cause = cause.getCause()) {
      String said = describeOne(cause);
      String raw = ": " + cause.getMessage();
      if (text.toString().endsWith(raw) && !raw.equals(": " + said)) {
        // The message quoted the cause's bare text (a file system error is just the path).
        text.setLength(text.length() - raw.length());
      }
      if (!text.toString().contains(said) && !said.isBlank()) {
        text.append(": ").append(said);
      }
      root = cause;
    }
    String hint = hint(failure, root, text.toString());
    if (hint != null) {
      text.append("; ").append(hint);
    }
    return text.toString();
  }

  private static String describeOne(Throwable failure) {
    if (failure instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (failure instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (failure instanceof FileAlreadyExistsException e) {
      return e.getFile() + " exists and is not a directory";
    }
    if (failure instanceof NotDirectoryException e) {
      return e.getFile() + " is not a directory";
    }
    if (failure instanceof FileSystemException e && e.getMessage() != null) {
      return String.valueOf(e.getMessage());
    }
    String message = failure.getMessage();
    if (isExpected(failure) && message != null && !message.isBlank()) {
      return message;
    }
    if (failure instanceof SocketException && message != null) {
      return message; // "Address already in use"
    }
    return "internal error: " + failure;
  }

  /** What to do about {@code failure}, whose deepest cause is {@code root}, or null. */
  private static @Nullable String hint(Throwable failure, Throwable root, String said) {
    if (root instanceof AccessDeniedException || said.contains("Read-only file system")) {
      return "check the permissions of that file and its directory (ls -ld), or run as their"
          + " owner; get, scan, stats, verify and the dumps only need to read";
    }
    if (root instanceof FileAlreadyExistsException || root instanceof NotDirectoryException) {
      return "--db names the Db's directory (a new one, or one holding a Db), not a file";
    }
    if (root instanceof BindException || said.contains("Address already in use")) {
      return "choose another port with --port (0 picks a free one), or stop what listens there"
          + " (ss -ltnp shows it)";
    }
    if (said.contains(" is locked")) {
      return "another process has the Db open (a 'shale serve'? then talk to it with --server"
          + " HOST:PORT), or another command is still running on it";
    }
    if (failure instanceof CorruptionException && said.contains("POINT_IN_TIME")) {
      return "on the command line: --wal-recovery POINT_IN_TIME or SKIP_CORRUPTED ('shale scan"
          + " --wal-recovery MODE' shows what a mode keeps and changes nothing; README, 'When files"
          + " are damaged')";
    }
    return null;
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
