package dev.shale.lsm.objectstore.local;

import java.util.Comparator;
import java.util.HexFormat;

/** Argument checks and key order shared by the local stores. */
final class ObjectKeys {
  /** S3's limit on a key's length in UTF-8 bytes; the local stores keep to it too. */
  static final int MAX_KEY_CHARS = 1024;

  /**
   * Keys in code point order, which is the order of their UTF-8 bytes and so S3's listing order
   * ({@link String#compareTo} differs for characters above U+FFFF).
   */
  static final Comparator<String> ORDER = ObjectKeys::compare;

  static final HexFormat HEX = HexFormat.of();

  private ObjectKeys() {}

  static void checkKey(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    if (key.length() > MAX_KEY_CHARS) {
      throw new IllegalArgumentException(
          "object key longer than "
              + MAX_KEY_CHARS
              + " characters: "
              + key.substring(0, 64)
              + "...");
    }
  }

  static void checkRange(long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range offset and length must not be negative: offset " + offset + ", length " + length);
    }
  }

  static void checkMaxKeys(int maxKeys) {
    if (maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
    }
  }

  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        return codePointRank(ca) - codePointRank(cb);
      }
    }
    return a.length() - b.length();
  }

  /** Moves surrogates above U+E000..U+FFFF so that UTF-16 units compare in code point order. */
  private static int codePointRank(char c) {
    if (c >= 0xD800) {
      return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
    return c;
  }
}
