package dev.shale.lsm.spi;

/**
 * A plugin found by name. The name is written into every file the plugin produces, so a reader can
 * pick the implementation from the file; it must never change once files exist.
 *
 * <p>Providers are stateless factories: thread-safe, cheap to construct, doing no work in their
 * constructor.
 */
public interface NamedProvider {

  /** The stable name, matching {@code [a-z0-9][a-z0-9._-]*} (e.g. "skiplist", "block"). */
  String name();
}
