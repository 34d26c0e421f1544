package dev.shale.lsm.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Counts of one kind of resource (open scans, snapshots, health streams) per client and in total,
 * each under a cap, so that one client cannot take what every client shares. Reservation is atomic:
 * the cap holds under any number of concurrent callers. Thread-safe.
 */
final class ClientQuotas {
  private final int perClient;
  private final int total;
  private final AtomicInteger held = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> byClient = new ConcurrentHashMap<>();

  ClientQuotas(int perClient, int total) {
    this.perClient = perClient;
    this.total = total;
  }

  /** Why a reservation was refused. */
  enum Refusal {
    CLIENT,
    TOTAL
  }

  /**
   * Reserves one for {@code client}: null when it fits (call {@link #release} later), else which
   * cap it hit.
   */
  @Nullable Refusal tryAcquire(String client) {
    if (held.incrementAndGet() > total) {
      held.decrementAndGet();
      return Refusal.TOTAL;
    }
    AtomicInteger mine = byClient.computeIfAbsent(client, c -> new AtomicInteger());
    if (mine.incrementAndGet() > perClient) {
      mine.decrementAndGet();
      held.decrementAndGet();
      return Refusal.CLIENT;
    }
    return null;
  }

  /** Returns one reservation of {@code client}. */
  void release(String client) {
    AtomicInteger mine = byClient.get(client);
    if (mine != null) {
      // Entries at zero are kept: removing them would race with a concurrent acquire.
      mine.decrementAndGet();
    }
    held.decrementAndGet();
  }

  int held() {
    return held.get();
  }

  int perClient() {
    return perClient;
  }

  int total() {
    return total;
  }
}
