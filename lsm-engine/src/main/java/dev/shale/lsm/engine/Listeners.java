package dev.shale.lsm.engine;

import dev.shale.lsm.api.event.DbListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Db's {@link DbListener}s: tells each one an event, and catches and logs what a listener
 * throws, so that a broken listener never breaks the Db. Immutable and thread-safe.
 */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<DbListener> listeners;

  Listeners(List<DbListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** Whether nobody listens (the caller may then skip building the event). */
  boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Tells every listener, e.g. {@code tell(l -> l.onFlushCompleted(event))}. */
  void tell(Consumer<DbListener> call) {
    for (DbListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("the listener {} threw; the Db goes on", listener.getClass().getName(), e);
      }
    }
  }
}
