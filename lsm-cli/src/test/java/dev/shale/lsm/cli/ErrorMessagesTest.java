package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.StorageIOException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 10: every error says what went wrong and what to do without --verbose: the cause of
 * a failed open (a file given as --db, a directory without permission, a read-only file system), a
 * port in use (and serve leaves no new Db directory behind).
 */
class ErrorMessagesTest {
  @TempDir Path dir;

  @Test
  void aFileGivenAsTheDbIsNamedAsSuch() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
    Cli.Result put = Cli.run("put", "--db", file.toString(), "k", "v");
    assertEquals(ExitCode.FAILURE, put.exitCode(), put::toString);
    assertEquals(
        "shale put: cannot open "
            + file
            + ": "
            + file
            + " exists and is not a directory; --db names the Db's directory (a new one, or one"
            + " holding a Db), not a file\n",
        put.stderr());
    Cli.Result get = Cli.run("get", "--db", file.toString(), "k");
    assertEquals(ExitCode.USAGE, get.exitCode(), get::toString);
    assertTrue(
        get.stderr().contains(file + " is a file: --db names the Db's directory"), get::toString);
    assertEquals("hello", Files.readString(file));
  }

  @Test
  void aDirectoryWithoutPermissionShowsTheCauseAndWhatToDo() {
    String said =
        FailureReporter.describe(
            new StorageIOException(
                "cannot open /data/db", new AccessDeniedException("/data/db/LOCK")));
    assertEquals(
        "cannot open /data/db: permission denied: /data/db/LOCK; check the permissions of that"
            + " file and its directory (ls -ld), or run as their owner; get, scan, stats, verify"
            + " and the dumps only need to read",
        said);
    String readOnly =
        FailureReporter.describe(
            new StorageIOException(
                "cannot open /media/db",
                new FileSystemException("/media/db/LOCK", null, "Read-only file system")));
    assertTrue(
        readOnly.startsWith(
            "cannot open /media/db: /media/db/LOCK: Read-only file system; check the permissions"),
        readOnly);
  }

  @Test
  void aPortInUseIsNamedBeforeAnyDbIsCreated() throws IOException {
    Path db = dir.resolve("new-db");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String port = String.valueOf(taken.getLocalPort());
      Cli.Result r =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () -> Cli.run("serve", "--db", db.toString(), "--port", port));
      assertEquals(ExitCode.FAILURE, r.exitCode(), r::toString);
      assertTrue(r.stderr().contains(":" + port + ": Address already in use"), r::toString);
      assertTrue(r.stderr().contains("choose another port with --port"), r::toString);
    }
    assertFalse(Files.exists(db), "serve created a Db it could not serve");
  }
}
