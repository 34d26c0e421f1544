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
 * Thread-safe. Keys are relative to the store's root (bucket and prefix of its URI). The namespace
 * is flat: {@code a}, {@code a/b} and {@code a/b/c} are three independent objects, and an empty
 * object is an object like any other.
 *
 * <p>Errors are {@link IOException}s: {@link PreconditionFailedException} (a condition failed),
 * {@link NoSuchObjectException}, {@link TransientStoreException} (retries exhausted; outcome
 * unknown for writes), and plain {@link IOException} for the rest (auth, missing bucket) with a
 * message saying what to fix.
 *
 * <p>Arguments: a key is a non-empty string. An empty key, a negative offset or length, or a {@code
 * maxKeys} below 1 is refused with {@link IllegalArgumentException} before anything is read or
 * written.
 *
 * <p>Entity tags identify content: a put that stores different bytes under a key gives the object a
 * new etag, even when the new bytes have the same length and arrive within the same millisecond, so
 * an {@link PutCondition#ifMatch If-Match} carrying the old etag fails. (Putting the same bytes
 * again may keep the etag, as S3's MD5 etags do.)
 *
 * <p>Arrays: {@code put} copies the caller's array before it returns, and every returned array is
 * new and owned by the caller.
 */
public interface ObjectStore extends AutoCloseable {

  /** The store's URI, for messages; not blank. */
  String uri();

  /**
   * What the store supports, the same set for as long as it is open; anything not listed counts as
   * unsupported.
   */
  Set<ObjectStoreCapability> capabilities();

  /** The largest object a single put accepts; positive. */
  long maxObjectBytes();

  /**
   * Writes {@code data} under {@code key} if {@code options.condition()} holds, replacing the
   * object's content and metadata (a replacing put does not merge metadata). The check and the
   * write are one atomic step: of concurrent conditional puts of one key, at most one whose
   * condition held when they began succeeds (see {@link ObjectStoreCapability#PUT_IF_ABSENT}).
   *
   * @return the new object's etag, also returned by {@link #head} and {@link #list}
   * @throws PreconditionFailedException when the condition is false; nothing changed
   * @throws UnsupportedOperationException for a condition whose capability is not declared; nothing
   *     changed
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

  /**
   * Copies the object into the file {@code target}, replacing whatever a partial earlier download
   * left there.
   *
   * @throws NoSuchObjectException when absent
   */
  default void getToFile(String key, Path target) throws IOException {
    Files.write(
        target,
        get(key),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /**
   * Key, size, entity tag (the one the last put returned), modification time and metadata of the
   * object, or empty when absent.
   */
  Optional<ObjectInfo> head(String key) throws IOException;

  /**
   * Up to {@code maxKeys} objects whose keys start with {@code prefix} (a key that holds the prefix
   * elsewhere, as {@code x/wal/1} holds {@code wal/}, is not listed) and (with {@link
   * ObjectStoreCapability#LIST_START_AFTER}) sort after {@code startAfter}; in key order with
   * {@link ObjectStoreCapability#SORTED_LISTING}, in any order without it (callers sort). Listed
   * objects carry size and etag but no metadata. Passing each page's {@link
   * ListPage#nextStartAfter()} as {@code startAfter} visits every matching key exactly once; a
   * listing with no match is one empty page whose {@code nextStartAfter} is null.
   */
  ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException;

  /** Deletes the object and only it (not keys under it); deleting a missing object succeeds. */
  void delete(String key) throws IOException;

  /** Releases connections. Idempotent. */
  @Override
  void close() throws IOException;
}
