package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM on the test class path that prints {@code READY} once open, {@code ACK <n>}
 * after each acknowledged write and {@code FAIL <n>} for each write it was told failed, and kills
 * it with SIGKILL at a chosen moment: the harness of the crash tests.
 */
final class KilledChild implements AutoCloseable {
  private final Process process;
  private final Thread reader;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Set<Long> acked = new ConcurrentSkipListSet<>();
  private final Set<Long> failed = new ConcurrentSkipListSet<>();

  private KilledChild(Class<?> main, List<String> args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    reader = new Thread(this::read, "child-reader-" + main.getSimpleName());
    reader.start();
  }

  /** Starts {@code main} with {@code args} in a child JVM. */
  static KilledChild start(Class<?> main, List<String> args) throws IOException {
    return new KilledChild(main, args);
  }

  /**
   * Runs {@code main} with {@code args} until {@code millisAfterReady} after it printed READY (or
   * until it exits, if sooner), kills it with SIGKILL, and returns the numbers it acknowledged.
   */
  static Set<Long> runAndKill(Class<?> main, List<String> args, long millisAfterReady)
      throws IOException, InterruptedException {
    try (KilledChild child = start(main, args)) {
      assertTrue(child.awaitReady(Duration.ofSeconds(60)), "the child did not start");
      child.process.waitFor(millisAfterReady, TimeUnit.MILLISECONDS); // an exit ends it early
      child.kill();
      return child.acked();
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("READY")) {
          ready.countDown();
        } else if (line.startsWith("ACK ")) {
          acked.add(Long.parseLong(line.substring(4)));
        } else if (line.startsWith("FAIL ")) {
          failed.add(Long.parseLong(line.substring(5)));
        }
      }
    } catch (IOException e) {
      // the child died: what was read is what it said
    }
  }

  /** Waits until the child printed READY; false on timeout or when it exited first. */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.await(50, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (!process.isAlive()) {
        reader.join(5_000);
        return ready.getCount() == 0;
      }
    }
    return false;
  }

  /** Whether the child is still running. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the child with SIGKILL and waits until everything it printed is read. */
  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    reader.join(10_000);
    assertFalse(process.isAlive());
  }

  /** The numbers the child acknowledged (complete once it is dead). */
  Set<Long> acked() {
    return Set.copyOf(acked);
  }

  /** The numbers the child was told failed (complete once it is dead). */
  Set<Long> failed() {
    return Set.copyOf(failed);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
