package dev.shale.lsm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run behind {@code ./shale}'s startup cache (an AOT cache on JDK 25 and later, a CDS
 * archive before): runs the everyday short commands once, in one JVM, on a scratch Db, so that the
 * classes they load and link are in the cache and later calls start without loading them. Not a
 * command; the launcher runs it after each build, and its output is discarded.
 */
public final class StartupTraining {
  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    Path db = Files.createTempDirectory("shale-startup-training");
    String dir = db.resolve("db").toString();
    try {
      run("--version");
      run("--help");
      run("put", "--db", dir, "key", "value");
      run("put", "--db", dir, "other", "value");
      run("delete", "--db", dir, "other");
      run("get", "--db", dir, "key");
      run("get", "--db", dir, "absent");
      run("scan", "--db", dir, "--prefix", "k");
      run("stats", "--db", dir);
      run("wal", "dump", "--db", dir);
      run("manifest", "dump", "--db", dir);
      run("verify", "--db", dir);
      run("get", "--db", db.resolve("missing").toString(), "key"); // an error, as users meet them
    } finally {
      try (Stream<Path> paths = Files.walk(db)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void run(String... args) {
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    ShaleCommand.run(InputStream.nullInputStream(), discard, discard, false, false, args);
  }
}
