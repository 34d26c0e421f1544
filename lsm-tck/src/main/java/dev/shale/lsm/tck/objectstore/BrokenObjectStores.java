package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken object stores, each wrapping a correct one and breaking one promise of the
 * contract while keeping its declared capabilities, so a store's test module can check that {@link
 * ObjectStoreConformanceTest} catches each kind of bug.
 */
public final class BrokenObjectStores {
  private BrokenObjectStores() {}

  /** Put-if-absent overwrites an existing object instead of failing. */
  public static ObjectStore ifAbsentOverwrites(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
        return delegate().put(key, data, unconditionalIfAbsent(options));
      }

      @Override
      public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
        return delegate().putFile(key, file, unconditionalIfAbsent(options));
      }
    };
  }

  private static PutOptions unconditionalIfAbsent(PutOptions options) {
    return options.condition() instanceof PutCondition.IfAbsent
        ? new PutOptions(PutCondition.none(), options.metadata())
        : options;
  }

  /** Put-if-match replaces the object whatever its entity tag. */
  public static ObjectStore ifMatchIgnoresEtag(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
        if (options.condition() instanceof PutCondition.IfMatch) {
          return delegate().put(key, data, new PutOptions(PutCondition.none(), options.metadata()));
        }
        return delegate().put(key, data, options);
      }
    };
  }

  /** Listing silently drops the last object of every page that has more than one. */
  public static ObjectStore listingDropsKeys(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public ListPage list(String prefix, @Nullable String startAfter, int maxKeys)
          throws IOException {
        ListPage page = delegate().list(prefix, startAfter, maxKeys);
        if (page.objects().size() <= 1) {
          return page;
        }
        return new ListPage(
            page.objects().subList(0, page.objects().size() - 1), page.nextStartAfter());
      }
    };
  }

  /** Listing returns each page in reverse key order while still declaring SORTED_LISTING. */
  public static ObjectStore listingUnsortedButClaimsSorted(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public ListPage list(String prefix, @Nullable String startAfter, int maxKeys)
          throws IOException {
        ListPage page = delegate().list(prefix, startAfter, maxKeys);
        List<ObjectInfo> reversed = new ArrayList<>(page.objects());
        reversed.sort(Comparator.comparing(ObjectInfo::key, Collections.reverseOrder()));
        return new ListPage(reversed, page.nextStartAfter());
      }
    };
  }

  /** Deleting a missing object throws {@link NoSuchObjectException}. */
  public static ObjectStore deleteNotIdempotent(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public void delete(String key) throws IOException {
        if (delegate().head(key).isEmpty()) {
          throw new NoSuchObjectException(key);
        }
        delegate().delete(key);
      }
    };
  }

  /** User metadata is dropped: head reports none. */
  public static ObjectStore metadataLost(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public Optional<ObjectInfo> head(String key) throws IOException {
        return delegate()
            .head(key)
            .map(i -> new ObjectInfo(i.key(), i.sizeBytes(), i.etag(), i.lastModified(), Map.of()));
      }
    };
  }

  /** Ranged reads that reach past the end throw instead of returning the bytes up to the end. */
  public static ObjectStore rangePastEndFails(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public byte[] getRange(String key, long offset, int length) throws IOException {
        long size =
            delegate().head(key).orElseThrow(() -> new NoSuchObjectException(key)).sizeBytes();
        if (offset + length > size) {
          throw new IOException("416 range not satisfiable: " + key);
        }
        return delegate().getRange(key, offset, length);
      }
    };
  }

  /**
   * Listing matches the prefix anywhere in the key ({@code contains} instead of {@code
   * startsWith}), so {@code x/wal/1} is listed under {@code wal/}. Pages stay sorted and complete.
   */
  public static ObjectStore listMatchesPrefixAnywhere(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public ListPage list(String prefix, @Nullable String startAfter, int maxKeys)
          throws IOException {
        if (maxKeys < 1) {
          throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
        }
        List<ObjectInfo> matching = new ArrayList<>();
        String next = null;
        do {
          ListPage page = delegate().list("", next, 1000);
          for (ObjectInfo info : page.objects()) {
            if (info.key().contains(prefix)
                && (startAfter == null || info.key().compareTo(startAfter) > 0)) {
              matching.add(info);
            }
          }
          next = page.nextStartAfter();
        } while (next != null);
        matching.sort(Comparator.comparing(ObjectInfo::key));
        if (matching.size() <= maxKeys) {
          return new ListPage(matching, null);
        }
        List<ObjectInfo> page = matching.subList(0, maxKeys);
        return new ListPage(page, page.get(maxKeys - 1).key());
      }
    };
  }

  /**
   * Conditional puts check the condition with {@code head} and then write unconditionally: each
   * step is correct on its own, but two racers can both pass the check before either writes.
   */
  public static ObjectStore checkThenPut(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
        check(key, options.condition());
        return delegate().put(key, data, new PutOptions(PutCondition.none(), options.metadata()));
      }

      @Override
      public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
        check(key, options.condition());
        return delegate()
            .putFile(key, file, new PutOptions(PutCondition.none(), options.metadata()));
      }

      private void check(String key, PutCondition condition) throws IOException {
        Optional<ObjectInfo> current = delegate().head(key);
        switch (condition) {
          case PutCondition.None none -> {}
          case PutCondition.IfAbsent absent -> {
            if (current.isPresent()) {
              throw new PreconditionFailedException(key, key + " exists");
            }
          }
          case PutCondition.IfMatch match -> {
            if (current.isEmpty() || !current.get().etag().equals(match.etag())) {
              throw new PreconditionFailedException(key, key + " has another etag");
            }
          }
        }
      }
    };
  }

  /**
   * Entity tags made of the object's size and modification time in milliseconds: a same-size
   * overwrite within one millisecond keeps the etag, so a stale If-Match succeeds.
   */
  public static ObjectStore etagFromSizeAndTime(ObjectStore store) {
    return new ForwardingObjectStore(store) {
      @Override
      public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
        PutOptions real = options;
        if (options.condition() instanceof PutCondition.IfMatch match) {
          Optional<ObjectInfo> current = delegate().head(key);
          if (current.isEmpty() || !weakEtag(current.get()).equals(match.etag())) {
            throw new PreconditionFailedException(key, key + " has another etag");
          }
          real = new PutOptions(PutCondition.ifMatch(current.get().etag()), options.metadata());
        }
        delegate().put(key, data, real);
        return new PutResult(weakEtag(delegate().head(key).orElseThrow()));
      }

      @Override
      public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
        return put(key, Files.readAllBytes(file), options);
      }

      @Override
      public Optional<ObjectInfo> head(String key) throws IOException {
        return delegate().head(key).map(BrokenObjectStores::withWeakEtag);
      }

      @Override
      public ListPage list(String prefix, @Nullable String startAfter, int maxKeys)
          throws IOException {
        ListPage page = delegate().list(prefix, startAfter, maxKeys);
        return new ListPage(
            page.objects().stream().map(BrokenObjectStores::withWeakEtag).toList(),
            page.nextStartAfter());
      }
    };
  }

  private static String weakEtag(ObjectInfo info) {
    return info.sizeBytes() + "-" + info.lastModified().toEpochMilli();
  }

  private static ObjectInfo withWeakEtag(ObjectInfo info) {
    return new ObjectInfo(
        info.key(), info.sizeBytes(), weakEtag(info), info.lastModified(), info.metadata());
  }
}
