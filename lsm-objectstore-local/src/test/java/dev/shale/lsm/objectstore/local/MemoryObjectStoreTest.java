package dev.shale.lsm.objectstore.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutOptions;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Named in-memory stores are shared per JVM, isolated by name and prefix. */
class MemoryObjectStoreTest {
  private final MemoryObjectStoreProvider provider = new MemoryObjectStoreProvider();

  @Test
  void twoOpensOfOneNameShareObjects() throws Exception {
    String name = "shared-" + UUID.randomUUID();
    try (ObjectStore a = provider.open(URI.create("mem://" + name), Map.of());
        ObjectStore b = provider.open(URI.create("mem://" + name), Map.of())) {
      a.put("wal/1", "x".getBytes(UTF_8), PutOptions.ifAbsent("a"));
      assertThrows(
          PreconditionFailedException.class,
          () -> b.put("wal/1", "y".getBytes(UTF_8), PutOptions.ifAbsent("b")));
      assertArrayEquals("x".getBytes(UTF_8), b.get("wal/1"));
    } finally {
      MemoryObjectStoreProvider.discard(name);
    }
  }

  @Test
  void closingOneHandleKeepsTheObjects() throws Exception {
    String name = "kept-" + UUID.randomUUID();
    ObjectStore a = provider.open(URI.create("mem://" + name), Map.of());
    a.put("k", new byte[3], PutOptions.unconditional());
    a.close();
    assertThrows(IllegalStateException.class, () -> a.get("k"));
    try (ObjectStore b = provider.open(URI.create("mem://" + name), Map.of())) {
      assertEquals(3, b.get("k").length);
    }
    MemoryObjectStoreProvider.discard(name);
    try (ObjectStore c = provider.open(URI.create("mem://" + name), Map.of())) {
      assertEquals(Optional.empty(), c.head("k"), "discard forgets the bucket");
    }
  }

  @Test
  void namesAndPrefixesIsolate() throws Exception {
    String name = "iso-" + UUID.randomUUID();
    try (ObjectStore root = provider.open(URI.create("mem://" + name), Map.of());
        ObjectStore one = provider.open(URI.create("mem://" + name + "/db1"), Map.of());
        ObjectStore other = provider.open(URI.create("mem://" + name + "-other"), Map.of())) {
      one.put("k", new byte[1], PutOptions.unconditional());
      assertEquals(1, root.get("db1/k").length);
      assertEquals(Optional.empty(), other.head("k"));
      assertEquals(1, one.list("", null, 10).objects().size());
      assertEquals("k", one.list("", null, 10).objects().get(0).key());
    } finally {
      MemoryObjectStoreProvider.discard(name);
    }
  }

  @Test
  void declaresEverything() throws Exception {
    try (ObjectStore s = provider.open(URI.create("mem://caps"), Map.of())) {
      assertEquals(EnumSet.allOf(ObjectStoreCapability.class), s.capabilities());
    }
  }

  @Test
  void rejectsMalformedUris() {
    assertThrows(
        IllegalArgumentException.class, () -> provider.open(URI.create("mem:///x"), Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> provider.open(URI.create("mem://a?b=c"), Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> provider.open(URI.create("file:///a"), Map.of()));
  }

  @Test
  void keysSortInCodePointOrder() throws Exception {
    try (ObjectStore s = provider.open(URI.create("mem://" + UUID.randomUUID()), Map.of())) {
      String bmpHigh = "\uFF21"; // FULLWIDTH A, U+FF21
      String astral = new String(Character.toChars(0x1F600)); // above U+FFFF, after U+FF21 in UTF-8
      s.put(astral, new byte[1], PutOptions.unconditional());
      s.put(bmpHigh, new byte[1], PutOptions.unconditional());
      assertEquals(bmpHigh, s.list("", null, 10).objects().get(0).key());
      assertEquals(astral, s.list("", null, 10).objects().get(1).key());
    }
  }
}
