package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.ObjectStoreProvider;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An in-memory object store written from the SPI's Javadoc alone, the way a plugin author would: a
 * sorted map under one lock, content-hash etags, atomic conditional puts. Scheme {@code refmem};
 * every {@link #open} is a new, empty store. The kit's own build runs the suite and the broken
 * wrappers of {@link BrokenObjectStores} against it.
 */
public final class ReferenceObjectStoreProvider implements ObjectStoreProvider {

  /** Constructed by {@link java.util.ServiceLoader}. */
  public ReferenceObjectStoreProvider() {}

  @Override
  public String name() {
    return "reference-memory";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("refmem");
  }

  @Override
  public ObjectStore open(URI uri, Map<String, String> options) {
    if (!"refmem".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a refmem: URI: " + uri);
    }
    return new MapStore(uri.toString());
  }

  private record Stored(byte[] data, String etag, Instant lastModified, Map<String, String> meta) {}

  private static final class MapStore implements ObjectStore {
    private final String uri;
    private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();

    MapStore(String uri) {
      this.uri = uri;
    }

    @Override
    public String uri() {
      return uri;
    }

    @Override
    public Set<ObjectStoreCapability> capabilities() {
      return Set.of(
          ObjectStoreCapability.PUT_IF_ABSENT,
          ObjectStoreCapability.PUT_IF_MATCH,
          ObjectStoreCapability.SORTED_LISTING,
          ObjectStoreCapability.LIST_START_AFTER);
    }

    @Override
    public long maxObjectBytes() {
      return 64L << 20;
    }

    @Override
    public PutResult put(String key, byte[] data, PutOptions options)
        throws PreconditionFailedException {
      checkKey(key);
      Stored stored =
          new Stored(data.clone(), etagOf(data), Instant.now(), Map.copyOf(options.metadata()));
      switch (options.condition()) {
        case PutCondition.None none -> objects.put(key, stored);
        case PutCondition.IfAbsent absent -> {
          if (objects.putIfAbsent(key, stored) != null) {
            throw new PreconditionFailedException(key, key + " already exists");
          }
        }
        case PutCondition.IfMatch match -> {
          Stored current = objects.get(key);
          // replace(key, current, stored) is the compare-and-swap: it fails if another put
          // replaced current since it was read.
          if (current == null
              || !current.etag().equals(match.etag())
              || !objects.replace(key, current, stored)) {
            throw new PreconditionFailedException(key, key + " does not have etag " + match.etag());
          }
        }
      }
      return new PutResult(stored.etag());
    }

    @Override
    public byte[] get(String key) throws NoSuchObjectException {
      return stored(key).data().clone();
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws NoSuchObjectException {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("negative offset or length");
      }
      byte[] data = stored(key).data();
      if (offset >= data.length) {
        return new byte[0];
      }
      return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
      checkKey(key);
      Stored s = objects.get(key);
      return Optional.ofNullable(s)
          .map(x -> new ObjectInfo(key, x.data().length, x.etag(), x.lastModified(), x.meta()));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
      }
      String from = startAfter != null && startAfter.compareTo(prefix) > 0 ? startAfter : prefix;
      List<ObjectInfo> page = new ArrayList<>();
      for (Map.Entry<String, Stored> e : objects.tailMap(from, true).entrySet()) {
        String key = e.getKey();
        if (!key.startsWith(prefix)) {
          break;
        }
        if (key.equals(startAfter)) {
          continue;
        }
        if (page.size() == maxKeys) {
          return new ListPage(page, page.get(page.size() - 1).key());
        }
        Stored s = e.getValue();
        page.add(new ObjectInfo(key, s.data().length, s.etag(), s.lastModified(), Map.of()));
      }
      return new ListPage(page, null);
    }

    @Override
    public void delete(String key) {
      checkKey(key);
      objects.remove(key);
    }

    @Override
    public void close() {}

    private Stored stored(String key) throws NoSuchObjectException {
      checkKey(key);
      Stored s = objects.get(key);
      if (s == null) {
        throw new NoSuchObjectException(key);
      }
      return s;
    }

    private static void checkKey(String key) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("object key must not be empty");
      }
    }

    private static String etagOf(byte[] data) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
        return HexFormat.of().formatHex(digest, 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
