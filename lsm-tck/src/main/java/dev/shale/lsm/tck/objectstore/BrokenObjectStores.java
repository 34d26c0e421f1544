package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
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
}
