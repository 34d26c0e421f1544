package dev.shale.lsm.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named points in the shipping, fencing and recovery code where a test can pause, delay or "crash"
 * the engine (a handler that throws). In production no handler is registered and a point costs one
 * map lookup. Thread-safe.
 *
 * <p>Points: {@code open.read-manifest}, {@code open.claimed}, {@code open.fenced}, {@code
 * open.restored}, {@code open.replayed}, {@code open.synced}, {@code ship.before-put}, {@code
 * ship.after-put}, {@code sync.sst-uploaded}, {@code sync.before-manifest}, {@code
 * sync.after-manifest}, {@code gc.before-delete}.
 */
public final class PausePoints {
  private final Map<String, Runnable> handlers = new ConcurrentHashMap<>();

  /** Registers {@code handler} to run (on the engine's thread) whenever {@code point} is hit. */
  public PausePoints on(String point, Runnable handler) {
    handlers.put(point, handler);
    return this;
  }

  /** Removes the handler of {@code point}. */
  public void clear(String point) {
    handlers.remove(point);
  }

  /** Runs the handler of {@code point}, if any; its exceptions propagate. */
  public void hit(String point) {
    Runnable handler = handlers.get(point);
    if (handler != null) {
      handler.run();
    }
  }
}
