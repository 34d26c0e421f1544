package dev.shale.lsm.engine.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The checksum a table is tagged with in the bucket (object metadata {@value #METADATA}): CRC32C of
 * the whole file, as 8 hex digits. Lets a primary tell its own table from a different one under the
 * same name without downloading it.
 */
final class TableChecksum {
  static final String METADATA = "crc32c";

  private TableChecksum() {}

  static String of(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[256 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }
}
