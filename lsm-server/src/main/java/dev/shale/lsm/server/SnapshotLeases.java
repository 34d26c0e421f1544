package dev.shale.lsm.server;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.server.protocol.ErrorCodes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots clients created, by id, each held for a lease that every use renews. A snapshot
 * pins old versions against compaction, so a client that vanishes must not pin them forever: {@link
 * #releaseExpired} (run periodically) releases the ones unused for longer than the lease, unless a
 * call is using one right now. Thread-safe.
 */
final class SnapshotLeases {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotLeases.class);

  private final Db db;
  private final long leaseNanos;
  private final int maxSnapshots;
  private final AtomicLong nextId = new AtomicLong(1);
  private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

  SnapshotLeases(Db db, long leaseNanos, int maxSnapshots) {
    this.db = db;
    this.leaseNanos = leaseNanos;
    this.maxSnapshots = maxSnapshots;
  }

  /** One held snapshot. Guarded by its own monitor. */
  static final class Lease {
    final long id;
    final Snapshot snapshot;
    private long expiresAtNanos;
    private int users;
    private boolean released;

    Lease(long id, Snapshot snapshot, long expiresAtNanos) {
      this.id = id;
      this.snapshot = snapshot;
      this.expiresAtNanos = expiresAtNanos;
    }
  }

  /**
   * Takes a snapshot and leases it.
   *
   * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED when too many are held
   */
  Lease create() {
    if (leases.size() >= maxSnapshots) {
      throw io.grpc.Status.RESOURCE_EXHAUSTED
          .withDescription(
              "the server holds "
                  + leases.size()
                  + " snapshots, its limit: release some (ReleaseSnapshot) or wait for leases to"
                  + " expire")
          .asRuntimeException();
    }
    long id = nextId.getAndIncrement();
    Lease lease = new Lease(id, db.snapshot(), System.nanoTime() + leaseNanos);
    leases.put(id, lease);
    return lease;
  }

  /**
   * The snapshot with {@code id}, marked in use (and its lease renewed) until {@link #done}.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for an unknown, released or expired id
   */
  Lease acquire(long id) {
    Lease lease = leases.get(id);
    if (lease != null) {
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
            + id
            + " on this server: it was released, its lease expired, or it never"
            + " existed; create a new one");
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

  /** Releases {@code id} now, or once the calls using it end; unknown ids are fine. */
  void release(long id) {
    Lease lease = leases.remove(id);
    if (lease != null) {
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
        LOG.debug("snapshot {} released: its lease expired", lease.id);
        markReleased(lease);
      }
    }
  }

  /** Releases every snapshot (at shutdown). */
  void releaseAll() {
    for (Long id : leases.keySet()) {
      release(id);
    }
  }

  long leaseNanos() {
    return leaseNanos;
  }

  int size() {
    return leases.size();
  }

  private static void markReleased(Lease lease) {
    boolean close;
    synchronized (lease) {
      close = !lease.released && lease.users == 0;
      lease.released = true;
    }
    if (close) {
      lease.snapshot.close();
    }
  }
}
