package dev.shale.lsm.sstable;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.spi.VarInts;
import dev.shale.lsm.spi.sstable.TableProperties;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes {@link TableProperties} as the properties block payload: {@code [format name: u8 length,
 * ASCII][format version u32][entry count u64][tombstone count u64][smallest key: varint length,
 * bytes][largest key: varint length, bytes][smallest sequence u64][largest sequence u64][raw key
 * bytes u64][raw value bytes u64][data block count u64][data bytes u64][index bytes u64][filter
 * bytes u64][compression: u8 length, ASCII][bloom bits per key u32]}.
 */
final class PropertiesBlock {
  private PropertiesBlock() {}

  static byte[] encode(TableProperties p) {
    ByteSink out = new ByteSink(128 + p.smallestKey().length + p.largestKey().length);
    writeName(out, p.formatName());
    out.writeInt(p.formatVersion());
    out.writeLong(p.entryCount());
    out.writeLong(p.tombstoneCount());
    out.writeVarInt(p.smallestKey().length);
    out.write(p.smallestKey());
    out.writeVarInt(p.largestKey().length);
    out.write(p.largestKey());
    out.writeLong(p.smallestSequence());
    out.writeLong(p.largestSequence());
    out.writeLong(p.rawKeyBytes());
    out.writeLong(p.rawValueBytes());
    out.writeLong(p.dataBlockCount());
    out.writeLong(p.dataBytes());
    out.writeLong(p.indexBytes());
    out.writeLong(p.filterBytes());
    writeName(out, p.compression());
    out.writeInt(p.bloomBitsPerKey());
    return Arrays.copyOf(out.array(), out.size());
  }

  private static void writeName(ByteSink out, String name) {
    byte[] b = name.getBytes(StandardCharsets.US_ASCII);
    out.writeByte(b.length);
    out.write(b);
  }

  /**
   * Decodes a properties payload of {@code length} bytes.
   *
   * @throws CorruptionException when it is malformed or does not end where the block ends
   */
  static TableProperties decode(byte[] b, int length, String file, long offset) {
    Reader r = new Reader(b, length, file, offset);
    String formatName = r.name();
    int formatVersion = r.u32();
    long entryCount = r.u64();
    long tombstoneCount = r.u64();
    byte[] smallestKey = r.key();
    byte[] largestKey = r.key();
    long smallestSequence = r.u64();
    long largestSequence = r.u64();
    long rawKeyBytes = r.u64();
    long rawValueBytes = r.u64();
    long dataBlockCount = r.u64();
    long dataBytes = r.u64();
    long indexBytes = r.u64();
    long filterBytes = r.u64();
    String compression = r.name();
    int bloomBitsPerKey = r.u32();
    if (r.position != length) {
      throw new CorruptionException(
          file, offset, "properties end at " + r.position + " of " + length + " bytes");
    }
    return new TableProperties(
        formatName,
        formatVersion,
        entryCount,
        tombstoneCount,
        smallestKey,
        largestKey,
        smallestSequence,
        largestSequence,
        rawKeyBytes,
        rawValueBytes,
        dataBlockCount,
        dataBytes,
        indexBytes,
        filterBytes,
        compression,
        bloomBitsPerKey);
  }

  /** A bounds-checked cursor that turns every overrun into a {@link CorruptionException}. */
  private static final class Reader {
    private final byte[] b;
    private final int length;
    private final String file;
    private final long offset;
    int position;

    Reader(byte[] b, int length, String file, long offset) {
      this.b = b;
      this.length = length;
      this.file = file;
      this.offset = offset;
    }

    private void need(long n) {
      if (n < 0 || position + n > length) {
        throw new CorruptionException(
            file, offset, "properties block ends early at " + position + " of " + length);
      }
    }

    int u32() {
      need(4);
      int v = BigEndian.getInt(b, position);
      position += 4;
      return v;
    }

    long u64() {
      need(8);
      long v = BigEndian.getLong(b, position);
      position += 8;
      return v;
    }

    String name() {
      need(1);
      int n = b[position++] & 0xFF;
      need(n);
      String s = new String(b, position, n, StandardCharsets.US_ASCII);
      position += n;
      return s;
    }

    byte[] key() {
      int n;
      try {
        long v = VarInts.read(b, position, length);
        n = VarInts.value(v);
        position = VarInts.next(v);
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(file, offset, "bad key length in properties", e);
      }
      need(n);
      byte[] key = Arrays.copyOfRange(b, position, position + n);
      position += n;
      return key;
    }
  }
}
