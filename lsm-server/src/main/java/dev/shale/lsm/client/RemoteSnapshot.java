package dev.shale.lsm.client;

import dev.shale.lsm.api.Snapshot;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snapshot held by a Shale server for one client. Closing it releases it on the server (errors
 * are ignored: an unreachable server releases it when the lease expires). Thread-safe.
 */
final class RemoteSnapshot implements Snapshot {
  private final ShaleClient client;
  private final long id;
  private final long sequence;
  private final AtomicBoolean closed = new AtomicBoolean();

  RemoteSnapshot(ShaleClient client, long id, long sequence) {
    this.client = client;
    this.id = id;
    this.sequence = sequence;
  }

  ShaleClient client() {
    return client;
  }

  long id() {
    return id;
  }

  @Override
  public long sequence() {
    return sequence;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.releaseSnapshot(id);
      } catch (RuntimeException e) {
        // The lease expires on the server anyway; a failed release loses nothing.
      }
    }
  }
}
