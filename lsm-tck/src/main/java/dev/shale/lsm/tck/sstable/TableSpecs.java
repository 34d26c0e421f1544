package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.Sequences;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of tables: awkward keys, many versions, tombstones, empty and large values. */
final class TableSpecs {
  private TableSpecs() {}

  /** Keys over a small alphabet with 0x00 and 0xFF, so prefixes are shared and edges are hit. */
  static Arbitrary<byte[]> userKeys() {
    return Arbitraries.of(
            (byte) 0x00,
            (byte) 0x01,
            (byte) 'a',
            (byte) 'b',
            (byte) 0x7F,
            (byte) 0x80,
            (byte) 0xFE,
            (byte) 0xFF)
        .list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .map(TableSpecs::toBytes);
  }

  static Arbitrary<Long> sequences() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.longs().between(0, 5_000)),
        // trailers of these sequences have the top bit set: catches signed trailer comparisons
        Tuple.of(
            1, Arbitraries.longs().between(Sequences.MAX_SEQUENCE - 2_000, Sequences.MAX_SEQUENCE)),
        Tuple.of(1, Arbitraries.longs().between((1L << 55) - 50, (1L << 55) + 50)));
  }

  static Arbitrary<byte[]> values() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(new byte[0])),
        Tuple.of(14, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40)),
        Tuple.of(2, Arbitraries.integers().between(300, 5_000).map(TableSpecs::patterned)),
        Tuple.of(1, Arbitraries.integers().between(20_000, 70_000).map(TableSpecs::patterned)));
  }

  /** A value of {@code length} bytes, compressible but not constant. */
  static byte[] patterned(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) ((i * 7) % 13 + (i >> 9));
    }
    return b;
  }

  @SuppressWarnings("ArrayRecordComponent")
  record Version(long sequence, EntryKind kind, byte[] value) {}

  static Arbitrary<Version> versions() {
    return Combinators.combine(
            sequences(),
            Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(EntryKind.PUT)),
                Tuple.of(1, Arbitraries.just(EntryKind.DELETE))),
            values())
        .as(Version::new);
  }

  @SuppressWarnings("ArrayRecordComponent")
  record KeyVersions(byte[] key, List<Version> versions) {}

  static Arbitrary<KeyVersions> keyVersions() {
    Arbitrary<List<Version>> few = versions().list().ofMinSize(1).ofMaxSize(5);
    Arbitrary<List<Version>> many = versions().list().ofMinSize(20).ofMaxSize(80);
    return Combinators.combine(
            userKeys(), Arbitraries.frequencyOf(Tuple.of(19, few), Tuple.of(1, many)))
        .as(KeyVersions::new);
  }

  static Arbitrary<TableModel> models() {
    return keyVersions()
        .list()
        .ofMinSize(1)
        .ofMaxSize(120)
        .map(
            keys -> {
              TableModel model = new TableModel();
              for (KeyVersions kv : keys) {
                for (Version v : kv.versions()) {
                  model.add(kv.key(), v.sequence(), v.kind(), v.value());
                }
              }
              return model;
            });
  }

  static Arbitrary<TableSpec> tables(Set<String> codecs) {
    return Combinators.combine(
            models(),
            Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(64, 256)),
                Tuple.of(1, Arbitraries.of(1024, 4096))),
            Arbitraries.integers().between(1, 16),
            Arbitraries.of(0, 1, 4, 10, 20),
            Arbitraries.of(codecs.stream().sorted().toList()))
        .as(TableSpec::new);
  }

  static byte[] toBytes(List<Byte> list) {
    byte[] b = new byte[list.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = list.get(i);
    }
    return b;
  }
}
