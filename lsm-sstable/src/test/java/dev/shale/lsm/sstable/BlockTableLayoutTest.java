package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import dev.shale.lsm.sstable.cache.NoBlockCacheProvider;
import dev.shale.lsm.tck.sstable.ByteArrayTableInput;
import dev.shale.lsm.tck.sstable.ByteArrayTableOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pins the byte layout that docs/formats.md section 3 describes. */
class BlockTableLayoutTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @SuppressWarnings("ArrayRecordComponent")
  private record Written(byte[] file, TableProperties properties) {}

  private static Written write(TableWriterOptions options, List<byte[]> keys, List<byte[]> values)
      throws IOException {
    ByteArrayTableOutput out = new ByteArrayTableOutput("layout.sst");
    TableProperties p;
    try (SSTableWriter w = new BlockTableFormat().newWriter(out, options)) {
      for (int i = 0; i < keys.size(); i++) {
        w.add(keys.get(i), 100 - i, EntryKind.PUT, values.get(i));
      }
      p = w.finish();
    }
    return new Written(out.toByteArray(), p);
  }

  private static SSTableReader open(byte[] file) throws IOException {
    return new BlockTableFormat()
        .openReader(
            new ByteArrayTableInput("layout.sst", file),
            new TableReaderOptions(1, new NoBlockCacheProvider().create(0)));
  }

  @Test
  void regionsTileTheFileFromHeaderToFooter() throws IOException {
    Written t =
        write(
            new TableWriterOptions(64, 2, 10, "none"),
            List.of(bytes("a1"), bytes("a2"), bytes("b1"), bytes("c1"), bytes("d1")),
            List.of(
                bytes("x".repeat(30)), bytes("y"), bytes("z".repeat(40)), bytes(""), bytes("w")));
    byte[] f = t.file();
    TableFileHeader header = TableFileHeader.read(new ByteArrayTableInput("layout.sst", f));
    assertEquals(new TableFileHeader("block", 1, 8 + 1 + 5 + 4 + 4), header);
    TableFooter footer =
        TableFooter.decode(Arrays.copyOfRange(f, f.length - 52, f.length), "layout.sst", 0);
    assertEquals(52, TableFooter.SIZE);
    assertEquals(1, footer.formatVersion());
    assertArrayEquals(bytes("SHALEBLK"), Arrays.copyOfRange(f, f.length - 12, f.length - 4));
    try (SSTableReader r = open(f)) {
      List<SSTableReader.BlockInfo> blocks = r.dataBlocks();
      assertEquals(header.length(), blocks.get(0).offset(), "data starts right after the header");
      long end = header.length();
      for (SSTableReader.BlockInfo b : blocks) {
        assertEquals(end, b.offset(), "blocks are contiguous");
        end += b.sizeBytes();
      }
      TableProperties p = r.properties();
      assertEquals(end - header.length(), p.dataBytes(), "dataBytes counts trailers");
      assertEquals(end, footer.filterOffset(), "the filter follows the data");
      assertEquals(footer.filterOffset() + p.filterBytes(), footer.indexOffset());
      assertEquals(footer.indexOffset() + p.indexBytes(), footer.propertiesOffset());
      assertEquals(
          footer.propertiesOffset() + footer.propertiesSize() + 5L,
          f.length - 52L,
          "the footer follows the properties");
    }
  }

  @Test
  void separatorsAreShortenedBetweenDistantKeys() throws IOException {
    Written t =
        write(
            new TableWriterOptions(64, 16, 0, "none"),
            List.of(bytes("apple-1"), bytes("apple-2"), bytes("zebra")),
            List.of(bytes("v".repeat(40)), bytes("v".repeat(40)), bytes("v")));
    try (SSTableReader r = open(t.file())) {
      List<SSTableReader.BlockInfo> blocks = r.dataBlocks();
      assertTrue(blocks.size() >= 2);
      assertArrayEquals(
          bytes("b"),
          blocks.get(blocks.size() - 2).separatorKey(),
          "shortest key in [apple-2, zebra)");
      assertArrayEquals(bytes("zebra"), blocks.get(blocks.size() - 1).separatorKey());
      assertEquals(null, r.get(bytes("b"), 1000), "a key equal to a shortened separator is absent");
      assertEquals(null, r.get(bytes("apple-3"), 1000));
    }
  }

  @Test
  void lz4IsUsedOnlyWhereItPays() throws IOException {
    Random random = new Random(1);
    byte[] noise = new byte[3000];
    random.nextBytes(noise);
    Written t =
        write(
            new TableWriterOptions(4096, 16, 0, "lz4"),
            List.of(bytes("compressible"), bytes("noise")),
            List.of(bytes("abc".repeat(1500)), noise));
    try (SSTableReader r = open(t.file())) {
      List<SSTableReader.BlockInfo> blocks = r.dataBlocks();
      assertEquals(2, blocks.size());
      int first = typeOf(t.file(), blocks.get(0));
      int second = typeOf(t.file(), blocks.get(1));
      assertEquals(BlockCodec.TYPE_LZ4, first, "repetitive data is compressed");
      assertEquals(BlockCodec.TYPE_NONE, second, "random data is stored raw");
      assertTrue(blocks.get(0).sizeBytes() < 1000);
      r.verify(x -> {});
    }
  }

  private static int typeOf(byte[] file, SSTableReader.BlockInfo b) {
    return file[(int) (b.offset() + b.sizeBytes() - BlockCodec.TRAILER_BYTES)] & 0xFF;
  }

  @Test
  void tombstoneValuesAreNotStored() throws IOException {
    ByteArrayTableOutput out = new ByteArrayTableOutput("t.sst");
    try (SSTableWriter w = new BlockTableFormat().newWriter(out, TableWriterOptions.defaults())) {
      w.add(bytes("k"), 5, EntryKind.DELETE, bytes("ignored"));
      assertEquals(0, w.finish().rawValueBytes());
    }
    try (SSTableReader r = open(out.toByteArray())) {
      assertEquals(0, r.get(bytes("k"), 5).value().length);
    }
  }

  @Test
  void aFooterVersionUnlikeTheHeadersIsCorrupt() throws IOException {
    Written t = write(TableWriterOptions.defaults(), List.of(bytes("k")), List.of(bytes("v")));
    byte[] f = t.file();
    TableFooter footer =
        TableFooter.decode(Arrays.copyOfRange(f, f.length - 52, f.length), "layout.sst", 0);
    byte[] rewritten =
        new TableFooter(
                footer.indexOffset(),
                footer.indexSize(),
                footer.filterOffset(),
                footer.filterSize(),
                footer.propertiesOffset(),
                footer.propertiesSize(),
                2)
            .encode();
    System.arraycopy(rewritten, 0, f, f.length - 52, 52);
    assertThrows(CorruptionException.class, () -> open(f));
  }
}
