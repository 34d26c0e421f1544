package dev.shale.lsm.engine.remote;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Object names under a Db's prefix: {@code manifest/<id>}, {@code wal/<id>}, {@code
 * sst/<file>.sst}, ids zero-padded to 20 digits. Listings are always sorted here, because S3
 * Express directory buckets list in no particular order and ignore start-after.
 */
public final class RemoteKeys {
  public static final String MANIFESTS = "manifest/";
  public static final String WAL = "wal/";
  public static final String TABLES = "sst/";

  private RemoteKeys() {}

  public static String manifest(long id) {
    return MANIFESTS + String.format("%020d", id);
  }

  public static String wal(long id) {
    return WAL + String.format("%020d", id);
  }

  public static String table(long fileId) {
    return TABLES + String.format("%020d.sst", fileId);
  }

  /** The id in a key made by {@link #manifest}, {@link #wal} or {@link #table}. */
  public static OptionalLong idOf(String key, String prefix) {
    if (!key.startsWith(prefix)) {
      return OptionalLong.empty();
    }
    String rest = key.substring(prefix.length());
    if (rest.endsWith(".sst")) {
      rest = rest.substring(0, rest.length() - 4);
    }
    if (rest.length() != 20) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(rest));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Every object under {@code prefix} sorting after {@code after} (null for all), sorted by key,
   * following every page.
   */
  public static List<ObjectInfo> listSorted(
      ObjectStore store, String prefix, @Nullable String after) throws IOException {
    List<ObjectInfo> all = new ArrayList<>();
    String startAfter = after;
    while (true) {
      ListPage page = store.list(prefix, startAfter, 1000);
      for (ObjectInfo o : page.objects()) {
        if (after == null || o.key().compareTo(after) > 0) {
          all.add(o);
        }
      }
      if (page.nextStartAfter() == null) {
        break;
      }
      startAfter = page.nextStartAfter();
    }
    all.sort(Comparator.comparing(ObjectInfo::key));
    return all;
  }
}
