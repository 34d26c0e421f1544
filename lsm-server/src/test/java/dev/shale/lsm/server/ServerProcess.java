package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.assembly.Shale;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Shale server in a child JVM, for tests that kill it or measure it apart from the clients. The
 * child ({@link #main}) serves {@code DIR} on a free loopback port with memtables and the memory
 * budget sized to its heap ({@link MemoryPlan}), announces {@code port N} on standard output, then
 * every 200 ms the heap in use, the heap after the last collection and the budget's peak; SIGTERM
 * closes it gracefully.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private volatile long maxHeapUsed;
  private volatile long lastHeapUsed;
  private volatile long maxHeapAfterGc;
  private volatile long budgetPeak;

  private ServerProcess(Process process, int port, BufferedReader out) {
    this.process = process;
    this.port = port;
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.startsWith("heap ")) {
                    long used = Long.parseLong(line.substring(5));
                    lastHeapUsed = used;
                    maxHeapUsed = Math.max(maxHeapUsed, used);
                  } else if (line.startsWith("afterGc ")) {
                    maxHeapAfterGc = Math.max(maxHeapAfterGc, Long.parseLong(line.substring(8)));
                  } else if (line.startsWith("budget ")) {
                    budgetPeak = Math.max(budgetPeak, Long.parseLong(line.substring(7)));
                  }
                }
              } catch (IOException | NumberFormatException e) {
                // the child died: nothing more to read
              }
            },
            "server-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a child serving {@code dir}, with {@code jvmArgs}, and waits until it listens. */
  static ServerProcess start(Path dir, String... jvmArgs) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(List.of(jvmArgs));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ServerProcess.class.getName(),
            dir.toString()));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    while (line != null && !line.startsWith("port ")) { // log lines come first
      line = out.readLine();
    }
    if (line == null) {
      process.destroyForcibly();
      throw new IOException("the server process did not start: " + line);
    }
    return new ServerProcess(process, Integer.parseInt(line.substring(5)), out);
  }

  int port() {
    return port;
  }

  long maxHeapUsed() {
    return maxHeapUsed;
  }

  long lastHeapUsed() {
    return lastHeapUsed;
  }

  /** The most heap in use right after an old-generation collection (the live set). */
  long maxHeapAfterGc() {
    return maxHeapAfterGc;
  }

  /** The most memory requests in flight held at once, by the server's budget. */
  long budgetPeak() {
    return budgetPeak;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and wait for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (graceful), and the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The child: serves args[0] until SIGTERM. */
  public static void main(String[] args) throws Exception {
    MemoryPlan plan = MemoryPlan.forThisJvm();
    Db db =
        Shale.builder(Path.of(args[0]))
            .options(plan.fit(dev.shale.lsm.api.DbOptions.defaults()))
            .open();
    ShaleServer server = ShaleServer.builder(db).port(0).memoryBudget(plan.requestBytes()).start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  db.close();
                }));
    System.out.println("port " + server.port());
    System.out.flush();
    Runtime runtime = Runtime.getRuntime();
    while (true) {
      TimeUnit.MILLISECONDS.sleep(200);
      System.out.println("heap " + (runtime.totalMemory() - runtime.freeMemory()));
      System.out.println("afterGc " + server.serverStats().getHeapAfterGcBytes());
      System.out.println("budget " + server.serverStats().getMemoryPeakBytes());
      System.out.flush();
    }
  }
}
