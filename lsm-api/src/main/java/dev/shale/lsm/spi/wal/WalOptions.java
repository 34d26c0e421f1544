package dev.shale.lsm.spi.wal;

import dev.shale.lsm.spi.io.Storage;
import java.nio.file.Path;

/**
 * Where and how a log is kept.
 *
 * @param storage the file layer to write through
 * @param directory the log's own directory (nothing else lives there)
 * @param segmentBytes size at which the active segment is closed and a new one started
 */
public record WalOptions(Storage storage, Path directory, long segmentBytes) {
  public WalOptions {
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024, was " + segmentBytes);
    }
  }
}
