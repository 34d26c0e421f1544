package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.server.ShaleServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code put/get/delete/scan --server} against a server in this JVM. */
class ServerOptionTest {
  @TempDir Path dir;
  @TempDir Path other;

  @Test
  void putGetScanDeleteThroughAServer() throws Exception {
    Path tokenFile = other.resolve("token");
    Files.writeString(tokenFile, "t0ken-0123456789abcdef\n");
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db).port(0).token("t0ken-0123456789abcdef").start()) {
      String target = "127.0.0.1:" + server.port();
      String[] auth = {"--server", target, "--token-file", tokenFile.toString()};
      assertEquals(0, run("put", auth, "k1", "v1").exitCode());
      assertEquals(0, run("put", auth, "k2", "v\\x00").exitCode());
      assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), db.get("k1".getBytes()));
      assertEquals("v1\n", run("get", auth, "k1").out());
      assertEquals("k1\tv1\nk2\tv\\x00\n", run("scan", auth).out());
      assertEquals("k2\tv\\x00\n", run("scan", auth, "--from", "k2").out());
      assertEquals("k1\tv1\n", run("scan", auth, "--limit", "1").out());
      assertEquals(0, run("delete", auth, "k1").exitCode());
      Cli.Result absent = run("get", auth, "k1");
      assertEquals(ExitCode.ABSENT, absent.exitCode(), absent.toString());

      Cli.Result noToken = Cli.run("get", "--server", target, "k2");
      assertEquals(ExitCode.FAILURE, noToken.exitCode(), noToken.toString());
      assertTrue(noToken.stderr().contains("token"), noToken.stderr());

      Cli.Result badKey = run("put", auth, "", "v");
      assertEquals(ExitCode.USAGE, badKey.exitCode(), badKey.toString());
    }
  }

  @Test
  void dbAndServerAreMutuallyExclusiveAndOneIsRequired() {
    Cli.Result both = Cli.run("get", "--db", dir.toString(), "--server", "localhost:1", "k");
    assertEquals(ExitCode.USAGE, both.exitCode(), both.toString());
    assertTrue(both.stderr().contains("mutually exclusive"), both.stderr());
    Cli.Result neither = Cli.run("get", "k");
    assertEquals(ExitCode.USAGE, neither.exitCode(), neither.toString());
  }

  @Test
  void anUnreachableServerIsAFailure() {
    Cli.Result r = Cli.run("get", "--server", "127.0.0.1:1", "k");
    assertEquals(ExitCode.FAILURE, r.exitCode(), r.toString());
  }

  private static Cli.Result run(String command, String[] auth, String... rest) {
    String[] args = new String[1 + auth.length + rest.length];
    args[0] = command;
    System.arraycopy(auth, 0, args, 1, auth.length);
    System.arraycopy(rest, 0, args, 1 + auth.length, rest.length);
    return Cli.run(args);
  }
}
