package dev.shale.lsm.spi.wal;

import dev.shale.lsm.spi.NamedProvider;
import java.io.IOException;
import java.util.Set;

/** Opens write-ahead logs of one format. Stateless and thread-safe. */
public interface WalProvider extends NamedProvider {

  /** What the logs of this provider guarantee; anything not listed counts as unsupported. */
  Set<WalCapability> capabilities();

  /**
   * Opens the log in {@code options.directory()}, creating the directory if needed, and reads what
   * is there without changing it. The caller then calls {@link WriteAheadLog#replay} once (or not
   * at all) before appending.
   *
   * @throws dev.shale.lsm.api.CorruptionException when a segment header is unreadable
   */
  WriteAheadLog open(WalOptions options) throws IOException;
}
