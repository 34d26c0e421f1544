package dev.shale.lsm.engine.recovery;

import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code lost/} directory of a Db: where recovery and repair put files they will not use but
 * must not delete (tables a damaged manifest may have lost, the damaged manifest itself), for a
 * person or {@code shale repair} to look at. Nothing in it is ever read by the engine.
 */
public final class LostFiles {
  /** The directory's name inside the Db directory. */
  public static final String DIRECTORY = "lost";

  private LostFiles() {}

  /**
   * Moves {@code file} into {@code lost/} under its own name (with a numeric suffix when that is
   * taken), durably.
   *
   * @return where it went
   */
  public static Path move(Storage storage, Path dbDirectory, Path file) throws IOException {
    Path lost = dbDirectory.resolve(DIRECTORY);
    storage.createDirectories(lost);
    Path target = freeName(storage, lost, file.getFileName().toString());
    storage.rename(file, target);
    storage.syncDirectory(lost);
    Path parent = file.getParent();
    if (parent != null) {
      storage.syncDirectory(parent);
    }
    return target;
  }

  /** Copies {@code file} into {@code lost/} (for evidence that recovery is about to replace). */
  public static Path copy(Storage storage, Path dbDirectory, Path file) throws IOException {
    Path lost = dbDirectory.resolve(DIRECTORY);
    storage.createDirectories(lost);
    Path target = freeName(storage, lost, file.getFileName().toString());
    try (var in = storage.openInput(file);
        var out = storage.create(target)) {
      byte[] buffer = new byte[64 * 1024];
      for (long at = 0; at < in.length(); ) {
        int n = (int) Math.min(buffer.length, in.length() - at);
        in.readFully(at, buffer, 0, n);
        out.write(buffer, 0, n);
        at += n;
      }
      out.sync();
    }
    storage.syncDirectory(lost);
    return target;
  }

  private static Path freeName(Storage storage, Path lost, String name) {
    Path target = lost.resolve(name);
    for (int i = 1; storage.exists(target); i++) {
      target = lost.resolve(name + "." + i);
    }
    return target;
  }
}
