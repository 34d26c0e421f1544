package dev.shale.lsm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --db DIR} option. */
@SuppressWarnings("NullAway.Init") // picocli sets the required option before any method runs
final class DbDirectoryOption {
  @Option(names = "--db", required = true, paramLabel = "DIR", description = "The Db directory.")
  Path directory;

  /** The directory, which may hold no Db yet. */
  Path directory() {
    return directory;
  }

  /**
   * The directory, which must hold a Db.
   *
   * @throws IllegalArgumentException when it holds none, so that reading commands never create one
   */
  Path existing() {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          directory + " is a file: --db names the Db's directory (the one 'shale put' created)");
    }
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "no Shale Db in " + directory + ": the directory does not exist");
    }
    if (!holdsDb(directory)) {
      throw new IllegalArgumentException("no Shale Db in " + directory + " (no CURRENT file)");
    }
    return directory;
  }

  /** Whether {@code directory} holds a Db (its CURRENT file names the manifest). */
  static boolean holdsDb(Path directory) {
    return Files.isRegularFile(directory.resolve("CURRENT"));
  }
}
