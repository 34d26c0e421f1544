package dev.shale.lsm.tck.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file and directory under a root, by relative path, with the size and SHA-256 of each file's
 * bytes: two digests are equal exactly when no byte, file or directory was added, removed or
 * changed. For tests that prove a tool or a read-only open leaves a directory as it was.
 */
public final class DirectoryDigest {
  private DirectoryDigest() {}

  /**
   * The digest of {@code root}: a sorted map from each relative path under it ({@code ""} for the
   * root itself) to {@code "directory"} or the file's size and SHA-256; empty when {@code root}
   * does not exist.
   *
   * @throws IOException when a file cannot be read
   */
  public static Map<String, String> of(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    if (!Files.exists(root)) {
      return entries;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        String name = root.relativize(p).toString();
        entries.put(name, Files.isDirectory(p) ? "directory" : sha256(Files.readAllBytes(p)));
      }
    }
    return entries;
  }

  private static String sha256(byte[] bytes) {
    try {
      return bytes.length
          + " bytes, sha256 "
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
