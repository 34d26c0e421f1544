package dev.shale.lsm.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.engine.remote.RemoteKeys;
import dev.shale.lsm.engine.remote.RemoteManifest;
import dev.shale.lsm.engine.remote.WriterClaim;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.PutOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the newest manifest object of a bucket (one flipped bit, or a cut at any length) is a
 * clear {@link CorruptionException} naming the object when a new primary or a restore reads it,
 * never a Db with fewer keys, and it changes nothing in the bucket; moving the damaged object aside
 * as the error says then restores every key. One bit per byte by default; {@code
 * -Dshale.fuzz.everyBit=true} (set by {@code -Pcampaign}) flips every bit of every byte.
 */
class RemoteManifestDamageTest {
  private static final boolean EVERY_BIT = Boolean.getBoolean("shale.fuzz.everyBit");

  @TempDir Path tmp;

  private static final DbOptions OPTIONS =
      DbOptions.builder().memtableBytes(64 << 10).targetFileBytes(64 << 10).build();

  private static byte[] key(int i) {
    return String.format("key-%06d", i).getBytes(UTF_8);
  }

  private static byte[] value(int i) {
    return ("value-" + i).getBytes(UTF_8);
  }

  @Test
  void everyFlipAndCutOfTheNewestManifestIsAClearErrorAndChangesNothing() throws IOException {
    String bucket = "rmd-" + UUID.randomUUID();
    try (ObjectStore store = ObjectStores.open("mem://" + bucket, Map.of())) {
      RemoteConfig config = RemoteConfig.of(store, store).withGcGraceMillis(3_600_000);
      try (Db db = Shale.builder(tmp.resolve("a")).options(OPTIONS).remote(config).open()) {
        for (int i = 0; i < 3000; i++) {
          db.put(key(i), value(i));
        }
        db.flush();
      }
      RemoteManifest newest = WriterClaim.readNewest(store);
      String name = RemoteKeys.manifest(newest.id());
      byte[] good = store.get(name);
      List<String> before = keys(store);
      int trials = 0;
      for (int at = 0; at <= good.length; at++) {
        List<byte[]> variants = new java.util.ArrayList<>();
        if (at < good.length) {
          for (int bit = 0; bit < 8; bit++) {
            if (EVERY_BIT || bit == at % 8) {
              byte[] flipped = good.clone();
              flipped[at] ^= (byte) (1 << bit);
              variants.add(flipped);
            }
          }
          variants.add(Arrays.copyOf(good, at));
        }
        for (byte[] damaged : variants) {
          store.put(name, damaged, PutOptions.unconditional());
          Path dir = tmp.resolve("restore-" + trials++);
          CorruptionException e =
              org.junit.jupiter.api.Assertions.assertThrows(
                  CorruptionException.class,
                  () -> Shale.builder(dir).options(OPTIONS).remote(config).open().close(),
                  "trial " + trials);
          assertEquals(name, e.file(), e.getMessage());
          assertTrue(e.getMessage().contains("move " + name), e.getMessage());
          assertEquals(before, keys(store), "a failed open changed the bucket");
        }
      }
      // What the error says to do: the manifest before it restores everything.
      store.delete(name);
      try (Db db = Shale.builder(tmp.resolve("b")).options(OPTIONS).remote(config).open()) {
        for (int i = 0; i < 3000; i++) {
          assertArrayEquals(value(i), db.get(key(i)), "key " + i);
        }
      }
    } finally {
      dev.shale.lsm.objectstore.local.MemoryObjectStoreProvider.discard(bucket);
    }
  }

  private static List<String> keys(ObjectStore store) throws IOException {
    return RemoteKeys.listSorted(store, "", null).stream().map(ObjectInfo::key).toList();
  }
}
