package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.server.protocol.ErrorCodes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots clients created, by id, each held for a lease that every use renews. A snapshot
 * pins old versions against compaction, so a client that vanishes must not pin them forever: {@link
 * #releaseExpired} (run periodically) releases the ones unused for longer than the lease, unless a
 * call is using one right now.
 *
 * <p>Ids are random 64-bit numbers from a {@link SecureRandom}, so they cannot be guessed. A lease
 * made by an authenticated caller (client certificate or token role) belongs to that identity:
 * another identity gets the same answer as for an unknown id and cannot release it. Leases are
 * capped per client and in total, with an atomic reservation, so one client that leaks snapshots
 * cannot lock out the others. Thread-safe.
 */
final class SnapshotLeases {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotLeases.class);

  private final Db db;
  private final long leaseNanos;
  private final ClientQuotas quotas;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

  SnapshotLeases(Db db, long leaseNanos, int maxPerClient, int maxSnapshots) {
    this.db = db;
    this.leaseNanos = leaseNanos;
    this.quotas = new ClientQuotas(maxPerClient, maxSnapshots);
  }

  /** One held snapshot. Guarded by its own monitor. */
  static final class Lease {
    final long id;
    final Snapshot snapshot;
    final @Nullable String owner;
    final String clientKey;
    private long expiresAtNanos;
    private int users;
    private boolean released;

    Lease(long id, Snapshot snapshot, @Nullable String owner, String clientKey, long expiresAt) {
      this.id = id;
      this.snapshot = snapshot;
      this.owner = owner;
      this.clientKey = clientKey;
      this.expiresAtNanos = expiresAt;
    }
  }

  /**
   * Takes a snapshot and leases it to {@code caller}.
   *
   * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED when the caller or the server holds
   *     as many as allowed
   */
  Lease create(Caller caller) {
    ClientQuotas.Refusal refusal = quotas.tryAcquire(caller.clientKey());
    if (refusal != null) {
      throw ErrorCodes.overloaded(
          (refusal == ClientQuotas.Refusal.CLIENT
                  ? "this client holds " + quotas.perClient() + " snapshots, its limit"
                  : "the server holds " + quotas.total() + " snapshots, its limit")
              + ": release some (ReleaseSnapshot) or wait for their leases to expire",
          Duration.ofNanos(leaseNanos));
    }
    try {
      long id;
      do {
        id = random.nextLong();
      } while (id == 0 || leases.containsKey(id));
      Lease created =
          new Lease(
              id,
              db.snapshot(),
              caller.identity(),
              caller.clientKey(),
              System.nanoTime() + leaseNanos);
      leases.put(id, created);
      return created;
    } catch (RuntimeException | Error e) {
      quotas.release(caller.clientKey());
      throw e;
    }
  }

  /**
   * The snapshot with {@code id}, marked in use (and its lease renewed) until {@link #done}.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for an unknown, released or expired id,
   *     or one of another identity
   */
  Lease acquire(long id, Caller caller) {
    Lease lease = leases.get(id);
    if (lease != null && ownedBy(lease, caller)) {
      synchronized (lease) {
        if (!lease.released) {
          lease.users++;
          lease.expiresAtNanos = System.nanoTime() + leaseNanos;
          return lease;
        }
      }
    }
    throw ErrorCodes.invalidArgument(
        "no snapshot "
            + Long.toUnsignedString(id)
            + " on this server for this caller: it was released, its lease expired, or it never"
            + " existed; create a new one");
  }

  private static boolean ownedBy(Lease lease, Caller caller) {
    return lease.owner == null || Objects.equals(lease.owner, caller.identity());
  }

  /** Ends a use begun by {@link #acquire}; renews the lease. */
  void done(@Nullable Lease lease) {
    if (lease == null) {
      return;
    }
    boolean close;
    synchronized (lease) {
      lease.users--;
      lease.expiresAtNanos = System.nanoTime() + leaseNanos;
      close = lease.released && lease.users == 0;
    }
    if (close) {
      lease.snapshot.close();
    }
  }

  /**
   * Releases {@code id} now, or once the calls using it end; unknown ids, and ids of another
   * identity (which are left alone), are fine.
   */
  void release(long id, Caller caller) {
    Lease lease = leases.get(id);
    if (lease != null && ownedBy(lease, caller) && leases.remove(id, lease)) {
      markReleased(lease);
    }
  }

  /** Releases every lease unused for longer than the lease time. */
  void releaseExpired() {
    long now = System.nanoTime();
    for (Lease lease : leases.values()) {
      boolean expired;
      synchronized (lease) {
        expired = lease.users == 0 && now - lease.expiresAtNanos > 0;
      }
      if (expired && leases.remove(lease.id, lease)) {
        LOG.debug("snapshot {} released: its lease expired", Long.toUnsignedString(lease.id));
        markReleased(lease);
      }
    }
  }

  /** Releases every snapshot (at shutdown). */
  void releaseAll() {
    for (Lease lease : leases.values()) {
      if (leases.remove(lease.id, lease)) {
        markReleased(lease);
      }
    }
  }

  long leaseNanos() {
    return leaseNanos;
  }

  int size() {
    return leases.size();
  }

  private void markReleased(Lease lease) {
    boolean close;
    synchronized (lease) {
      close = !lease.released && lease.users == 0;
      lease.released = true;
    }
    quotas.release(lease.clientKey);
    if (close) {
      lease.snapshot.close();
    }
  }
}
