package dev.shale.lsm.spi.objectstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A flat namespace of immutable-by-convention objects addressed by string keys, S3-style.
 * Thread-safe. Keys are relative to the store's root (bucket and prefix of its URI).
 *
 * <p>Errors are {@link IOException}s: {@link PreconditionFailedException} (a condition failed),
 * {@link NoSuchObjectException}, {@link TransientStoreException} (retries exhausted; outcome
 * unknown for writes), and plain {@link IOException} for the rest (auth, missing bucket) with a
 * message saying what to fix.
 */
public interface ObjectStore extends AutoCloseable {

  /** The store's URI, for messages. */
  String uri();

  /** What the store supports; anything not listed counts as unsupported. */
  Set<ObjectStoreCapability> capabilities();

  /** The largest object a single put accepts. */
  long maxObjectBytes();

  /**
   * Writes {@code data} under {@code key} if {@code options.condition()} holds.
   *
   * @throws PreconditionFailedException when the condition is false; nothing changed
   * @throws UnsupportedOperationException for a condition whose capability is not declared
   */
  PutResult put(String key, byte[] data, PutOptions options) throws IOException;

  /** Writes the contents of {@code file} under {@code key}, as {@link #put}. */
  default PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    return put(key, Files.readAllBytes(file), options);
  }

  /**
   * The whole object.
   *
   * @throws NoSuchObjectException when absent
   */
  byte[] get(String key) throws IOException;

  /**
   * The bytes {@code [offset, min(offset + length, size))} of the object: shorter than {@code
   * length} at the end, empty when {@code offset >= size}.
   *
   * @throws NoSuchObjectException when absent
   */
  byte[] getRange(String key, long offset, int length) throws IOException;

  /** Copies the object into a new file {@code target} (replacing a partial one). */
  default void getToFile(String key, Path target) throws IOException {
    Files.write(
        target,
        get(key),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /** Size, entity tag and metadata of the object, or empty when absent. */
  Optional<ObjectInfo> head(String key) throws IOException;

  /**
   * Up to {@code maxKeys} objects whose keys start with {@code prefix} and (with {@link
   * ObjectStoreCapability#LIST_START_AFTER}) sort after {@code startAfter}; in key order with
   * {@link ObjectStoreCapability#SORTED_LISTING}, in any order without it (callers sort).
   */
  ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException;

  /** Deletes the object; deleting a missing object succeeds. */
  void delete(String key) throws IOException;

  /** Releases connections. Idempotent. */
  @Override
  void close() throws IOException;
}
