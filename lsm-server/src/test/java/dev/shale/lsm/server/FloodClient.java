package dev.shale.lsm.server;

import dev.shale.lsm.client.ServerBusyException;
import dev.shale.lsm.client.ShaleClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flood of {@link MixedLoadBench}, in its own JVM so that its allocations never pause the
 * measured clients: {@code threads} clients, one connection each, put 8 MiB values as fast as they
 * are answered, ignoring every retry hint (the worst a client can do), for {@code seconds}; then
 * prints {@code flood ACCEPTED REFUSED OTHER}. Arguments: port, threads, seconds.
 */
public final class FloodClient {
  private FloodClient() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    long end = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong other = new AtomicLong();
    List<Thread> flood = new ArrayList<>();
    for (int f = 0; f < threads; f++) {
      int id = f;
      flood.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    byte[] big = new byte[8 << 20];
                    try (ShaleClient client = ShaleClient.builder("127.0.0.1", port).build()) {
                      for (int i = 0; System.nanoTime() < end; i++) {
                        try {
                          client.put(
                              ("flood-" + id + "-" + (i % 4)).getBytes(StandardCharsets.UTF_8),
                              big);
                          accepted.incrementAndGet();
                        } catch (ServerBusyException e) {
                          refused.incrementAndGet();
                        } catch (RuntimeException e) {
                          if (String.valueOf(e.getMessage()).contains("RESOURCE_EXHAUSTED")) {
                            refused.incrementAndGet();
                          } else if (other.incrementAndGet() < 5) {
                            System.err.println("flood: " + e);
                          }
                        }
                      }
                    }
                  }));
    }
    for (Thread t : flood) {
      t.join();
    }
    System.out.println("flood " + accepted.get() + " " + refused.get() + " " + other.get());
  }
}
