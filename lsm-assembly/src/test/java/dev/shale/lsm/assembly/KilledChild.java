package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM on the test class path that prints {@code READY} once open and {@code ACK <n>}
 * after each acknowledged write, and kills it with SIGKILL at a chosen moment: the harness of the
 * crash tests.
 */
final class KilledChild {
  private KilledChild() {}

  /**
   * Runs {@code main} with {@code args} until {@code millisAfterReady} after it printed READY (or
   * until it exits, if sooner), kills it with SIGKILL, and returns the numbers it acknowledged.
   */
  static Set<Long> runAndKill(Class<?> main, List<String> args, long millisAfterReady)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Set<Long> acked = new ConcurrentSkipListSet<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("READY")) {
                    ready.countDown();
                  } else if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                  }
                }
              } catch (IOException e) {
                // the child died: what was read is what was acknowledged
              }
            });
    reader.start();
    assertTrue(ready.await(60, TimeUnit.SECONDS), "the child did not start");
    child.waitFor(millisAfterReady, TimeUnit.MILLISECONDS); // a child that exits ends it early
    child.destroyForcibly(); // SIGKILL on Linux
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    reader.join(10_000);
    assertFalse(child.isAlive());
    return acked;
  }
}
