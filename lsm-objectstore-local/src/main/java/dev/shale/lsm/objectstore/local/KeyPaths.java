package dev.shale.lsm.objectstore.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Maps object keys to files under a root directory and back.
 *
 * <p>Each {@code /}-separated segment of a key becomes a directory, the last one a file named
 * {@code <segment>.obj}, so keys {@code a} and {@code a/b} can coexist (file {@code a.obj}, folder
 * {@code a}). Characters other than {@code A-Z a-z 0-9 . _ -} are written as {@code %XX} (UTF-8
 * bytes, upper-case hex), and so is the dot that would make a segment end in {@code .obj} or be
 * {@code .} or {@code ..}, which keeps the mapping one-to-one. Names starting with a {@code %} that
 * is not followed by two hex digits (the store's {@code %tmp} folder and {@code %lock} file) are
 * never produced by a key. Keys with empty segments (leading, trailing or doubled {@code /}) are
 * rejected.
 */
final class KeyPaths {
  static final String OBJECT_SUFFIX = ".obj";

  /** File systems limit a name to 255 bytes; an encoded name plus suffix must fit. */
  private static final int MAX_NAME_BYTES = 255;

  private KeyPaths() {}

  /** The file of {@code key} under {@code root}. */
  static Path file(Path root, String key) {
    ObjectKeys.checkKey(key);
    String[] segments = key.split("/", -1);
    Path p = root;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty()) {
        throw new IllegalArgumentException(
            "the local object store does not accept keys with empty segments (leading, trailing or"
                + " doubled '/'): "
                + key);
      }
      String name = encode(s) + (i == segments.length - 1 ? OBJECT_SUFFIX : "");
      if (name.length() > MAX_NAME_BYTES) {
        throw new IllegalArgumentException(
            "key segment too long for a file name once encoded ("
                + name.length()
                + " > 255): "
                + key);
      }
      p = p.resolve(name);
    }
    return p;
  }

  /** The folder holding every key that starts with {@code prefix} (up to its last {@code /}). */
  static Path folder(Path root, String prefix) {
    int slash = prefix.lastIndexOf('/');
    Path p = root;
    if (slash < 0) {
      return p;
    }
    for (String s : prefix.substring(0, slash).split("/", -1)) {
      if (s.isEmpty()) {
        return root.resolve("%none"); // no key has an empty segment: a folder that never exists
      }
      p = p.resolve(encode(s));
    }
    return p;
  }

  static String encode(String segment) {
    byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(utf8.length + 8);
    int protectedDot = -1;
    if (segment.equals(".") || segment.equals("..")) {
      protectedDot = Integer.MAX_VALUE; // every dot
    } else if (segment.endsWith(OBJECT_SUFFIX)) {
      protectedDot = utf8.length - OBJECT_SUFFIX.length();
    }
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xff;
      boolean safe =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '_'
              || b == '-'
              || (b == '.' && protectedDot != i && protectedDot != Integer.MAX_VALUE);
      if (safe) {
        sb.append((char) b);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** The non-empty segment {@code name} encodes, or null when no key produces that name. */
  static @Nullable String decode(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (i + 2 >= name.length()) {
          return null;
        }
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        return null;
      }
    }
    String segment = new String(out.toByteArray(), StandardCharsets.UTF_8);
    return !segment.isEmpty() && encode(segment).equals(name) ? segment : null;
  }
}
