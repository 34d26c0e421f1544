package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An object store in JVM memory: a named, JVM-wide bucket, so two opens of {@code mem://name} share
 * objects (two engines can race for fencing in one test). Thread-safe; conditions are atomic
 * (compare-and-set on a concurrent map). Entity tags are unique per write ({@code "m"} and a
 * JVM-wide counter), so even rewriting the same bytes changes the tag.
 */
final class MemoryObjectStore implements ObjectStore {
  /** The largest Java array, which bounds one object. */
  static final long MAX_OBJECT_BYTES = Integer.MAX_VALUE - 8;

  private static final Set<ObjectStoreCapability> CAPABILITIES =
      Set.copyOf(EnumSet.allOf(ObjectStoreCapability.class));
  private static final Map<String, Bucket> BUCKETS = new ConcurrentHashMap<>();
  private static final AtomicLong ETAGS = new AtomicLong();

  /** A stored object; the array is owned by the bucket and never handed out. */
  private record Stored(byte[] data, String etag, Instant lastModified, Map<String, String> meta) {}

  /** The objects of one name. */
  static final class Bucket {
    final ConcurrentNavigableMap<String, Stored> objects =
        new ConcurrentSkipListMap<>(ObjectKeys.ORDER);
  }

  private final String uri;
  private final String prefix;
  private final Bucket bucket;
  private volatile boolean closed;

  private MemoryObjectStore(String uri, String prefix, Bucket bucket) {
    this.uri = uri;
    this.prefix = prefix;
    this.bucket = bucket;
  }

  /** Opens the bucket {@code name} (created on first use), with keys under {@code prefix}. */
  static MemoryObjectStore open(String name, String prefix) {
    Bucket bucket = BUCKETS.computeIfAbsent(name, n -> new Bucket());
    return new MemoryObjectStore("mem://" + name + "/" + prefix, prefix, bucket);
  }

  /** Forgets the bucket {@code name}; stores still open on it keep their objects. */
  static void discard(String name) {
    BUCKETS.remove(name);
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public Set<ObjectStoreCapability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public long maxObjectBytes() {
    return MAX_OBJECT_BYTES;
  }

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    checkOpen();
    ObjectKeys.checkKey(key);
    Stored stored =
        new Stored(
            data.clone(),
            "m" + Long.toHexString(ETAGS.incrementAndGet()),
            Instant.now(),
            options.metadata());
    String k = prefix + key;
    switch (options.condition()) {
      case PutCondition.None n -> bucket.objects.put(k, stored);
      case PutCondition.IfAbsent a -> {
        if (bucket.objects.putIfAbsent(k, stored) != null) {
          throw new PreconditionFailedException(key, "object " + key + " already exists in " + uri);
        }
      }
      case PutCondition.IfMatch m -> {
        while (true) {
          Stored current = bucket.objects.get(k);
          if (current == null || !current.etag().equals(m.etag())) {
            throw new PreconditionFailedException(
                key,
                "object "
                    + key
                    + (current == null ? " does not exist" : " has etag " + current.etag())
                    + ", not "
                    + m.etag());
          }
          if (bucket.objects.replace(k, current, stored)) {
            break;
          }
        }
      }
    }
    return new PutResult(stored.etag());
  }

  @Override
  public byte[] get(String key) throws IOException {
    return stored(key).data().clone();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    ObjectKeys.checkRange(offset, length);
    byte[] data = stored(key).data();
    if (offset >= data.length) {
      return new byte[0];
    }
    int from = (int) offset;
    return Arrays.copyOfRange(data, from, (int) Math.min(data.length, (long) from + length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    checkOpen();
    ObjectKeys.checkKey(key);
    Stored s = bucket.objects.get(prefix + key);
    return s == null ? Optional.empty() : Optional.of(info(key, s, true));
  }

  @Override
  public ListPage list(String listPrefix, @Nullable String startAfter, int maxKeys)
      throws IOException {
    checkOpen();
    ObjectKeys.checkMaxKeys(maxKeys);
    String from = prefix + listPrefix;
    ConcurrentNavigableMap<String, Stored> tail =
        startAfter != null && ObjectKeys.compare(prefix + startAfter, from) >= 0
            ? bucket.objects.tailMap(prefix + startAfter, false)
            : bucket.objects.tailMap(from, true);
    List<ObjectInfo> page = new ArrayList<>();
    for (Map.Entry<String, Stored> e : tail.entrySet()) {
      if (!e.getKey().startsWith(from)) {
        break;
      }
      if (page.size() == maxKeys) {
        return new ListPage(page, page.get(page.size() - 1).key());
      }
      page.add(info(e.getKey().substring(prefix.length()), e.getValue(), false));
    }
    return new ListPage(page, null);
  }

  @Override
  public void delete(String key) throws IOException {
    checkOpen();
    ObjectKeys.checkKey(key);
    bucket.objects.remove(prefix + key);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "MemoryObjectStore(" + uri + ")";
  }

  private Stored stored(String key) throws IOException {
    checkOpen();
    ObjectKeys.checkKey(key);
    Stored s = bucket.objects.get(prefix + key);
    if (s == null) {
      throw new NoSuchObjectException(key);
    }
    return s;
  }

  private static ObjectInfo info(String key, Stored s, boolean withMetadata) {
    return new ObjectInfo(
        key, s.data().length, s.etag(), s.lastModified(), withMetadata ? s.meta() : Map.of());
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("object store " + uri + " is closed");
    }
  }
}
