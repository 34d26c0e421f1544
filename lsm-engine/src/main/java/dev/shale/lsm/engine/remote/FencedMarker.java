package dev.shale.lsm.engine.remote;

import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code FENCED} file of a Db directory: written, durably, when its primary learns that a newer
 * primary fenced it, before any writer is told. Its local log may then hold writes that failed with
 * {@link FencedException} and writes only this directory has; the bucket's history went on without
 * them. The next open with the object store therefore rebuilds the directory from the bucket
 * instead of replaying its own log, so a write that failed is never resurrected.
 */
public final class FencedMarker {
  /** The file's name in the Db directory. */
  public static final String FILE = "FENCED";

  private FencedMarker() {}

  /** Records that the primary of {@code directory} was fenced (idempotent). */
  public static void write(Storage storage, Path directory, FencedException fenced, String store)
      throws IOException {
    Path file = directory.resolve(FILE);
    if (storage.exists(file)) {
      return;
    }
    Path tmp = directory.resolve(FILE + ".tmp");
    storage.delete(tmp);
    String text =
        "fenced at "
            + Instant.now()
            + " by writer epoch "
            + fenced.newerEpoch()
            + " of "
            + store
            + " (this primary had epoch "
            + fenced.ownEpoch()
            + ")\n";
    try (SequentialOutput out = storage.create(tmp)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.sync();
    }
    storage.rename(tmp, file);
    storage.syncDirectory(directory);
  }

  /** What the marker says, or empty when the directory was not fenced. */
  public static Optional<String> read(Storage storage, Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    if (!storage.exists(file)) {
      return Optional.empty();
    }
    try (RandomAccessInput in = storage.openInput(file)) {
      byte[] bytes = new byte[(int) Math.min(in.length(), 4096)];
      in.readFully(0, bytes, 0, bytes.length);
      return Optional.of(new String(bytes, StandardCharsets.UTF_8).strip());
    }
  }

  /** Removes the marker (after the directory was rebuilt from the bucket). */
  public static void delete(Storage storage, Path directory) throws IOException {
    storage.delete(directory.resolve(FILE));
    storage.delete(directory.resolve(FILE + ".tmp"));
    storage.syncDirectory(directory);
  }
}
