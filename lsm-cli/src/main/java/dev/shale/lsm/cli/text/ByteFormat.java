package dev.shale.lsm.cli.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How the command line writes keys and values as text and reads them back: {@link #TEXT} (UTF-8
 * with backslash escapes) or {@link #HEX}. Both are exact: {@code parse(format(b))} returns {@code
 * b} for every byte array, and formatted text never holds a TAB, CR or LF, so {@code key<TAB>value}
 * lines round-trip any bytes. Stateless and thread-safe.
 */
public enum ByteFormat {
  /**
   * UTF-8 text, with {@code \\} for a backslash, {@code \t}, {@code \n}, {@code \r}, and {@code
   * \xHH} for each byte that is not part of valid UTF-8 or belongs to a control character (U+0000
   * to U+001F, U+007F to U+009F). Every other character stands for itself.
   */
  TEXT {
    @Override
    public void format(byte[] bytes, int from, int to, StringBuilder out) {
      int i = from;
      while (i < to) {
        int b = bytes[i] & 0xFF;
        if (b < 0x80) {
          appendAscii(b, out);
          i++;
          continue;
        }
        int length = utf8SequenceLength(bytes, i, to);
        if (length == 0) {
          appendHexEscape(b, out);
          i++;
          continue;
        }
        int codePoint = decodeUtf8(bytes, i, length);
        if (codePoint <= 0x9F) { // a C1 control character: escape each of its two bytes
          appendHexEscape(b, out);
          appendHexEscape(bytes[i + 1] & 0xFF, out);
        } else {
          out.appendCodePoint(codePoint);
        }
        i += length;
      }
    }

    @Override
    public byte[] parse(byte[] text, int from, int to) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
      int i = from;
      while (i < to) {
        int b = text[i];
        if (b != '\\') {
          out.write(b);
          i++;
          continue;
        }
        if (i + 1 >= to) {
          throw new MalformedTextException(
              i - from, "a lone backslash at the end (write a backslash as \\\\)");
        }
        int escape = text[i + 1];
        switch (escape) {
          case '\\' -> out.write('\\');
          case 't' -> out.write('\t');
          case 'n' -> out.write('\n');
          case 'r' -> out.write('\r');
          case 'x' -> {
            int high = i + 2 < to ? hexDigit(text[i + 2]) : -1;
            int low = i + 3 < to ? hexDigit(text[i + 3]) : -1;
            if (high < 0 || low < 0) {
              throw new MalformedTextException(
                  i - from, "\\x must be followed by two hex digits, as in \\x0a");
            }
            out.write(high << 4 | low);
            i += 2;
          }
          default ->
              throw new MalformedTextException(
                  i - from,
                  "unknown escape '\\"
                      + describe(escape)
                      + "' (escapes are \\\\ \\t \\n \\r \\xHH; write a backslash as \\\\)");
        }
        i += 2;
      }
      return out.toByteArray();
    }
  },

  /** Two lowercase hex digits per byte; parsing accepts either case. */
  HEX {
    @Override
    public void format(byte[] bytes, int from, int to, StringBuilder out) {
      for (int i = from; i < to; i++) {
        int b = bytes[i] & 0xFF;
        out.append(HEX_DIGITS[b >>> 4]).append(HEX_DIGITS[b & 0xF]);
      }
    }

    @Override
    public byte[] parse(byte[] text, int from, int to) {
      if (((to - from) & 1) != 0) {
        throw new MalformedTextException(
            to - from - 1, "hex needs an even number of digits, found " + (to - from));
      }
      byte[] out = new byte[(to - from) / 2];
      for (int i = from, o = 0; i < to; i += 2, o++) {
        int high = hexDigit(text[i]);
        int low = hexDigit(text[i + 1]);
        if (high < 0 || low < 0) {
          int at = high < 0 ? i : i + 1;
          throw new MalformedTextException(
              at - from, "'" + describe(text[at]) + "' is not a hex digit");
        }
        out[o] = (byte) (high << 4 | low);
      }
      return out;
    }
  };

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  /** Appends the text form of {@code bytes[from, to)} to {@code out}. */
  public abstract void format(byte[] bytes, int from, int to, StringBuilder out);

  /**
   * Parses text (as UTF-8 bytes) back into the bytes it stands for.
   *
   * @throws MalformedTextException naming the offset (from {@code from}) of the first problem
   */
  public abstract byte[] parse(byte[] text, int from, int to);

  /** Appends the text form of {@code bytes} to {@code out}. */
  public void format(byte[] bytes, StringBuilder out) {
    format(bytes, 0, bytes.length, out);
  }

  /** The text form of {@code bytes}. */
  public String format(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length + 8);
    format(bytes, out);
    return out.toString();
  }

  /**
   * The bytes {@code text} stands for, e.g. a key given on the command line.
   *
   * @throws MalformedTextException when {@code text} is not in this format
   */
  public byte[] parse(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return parse(utf8, 0, utf8.length);
  }

  private static void appendAscii(int b, StringBuilder out) {
    switch (b) {
      case '\\' -> out.append("\\\\");
      case '\t' -> out.append("\\t");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      default -> {
        if (b < 0x20 || b == 0x7F) {
          appendHexEscape(b, out);
        } else {
          out.append((char) b);
        }
      }
    }
  }

  private static void appendHexEscape(int b, StringBuilder out) {
    out.append("\\x").append(HEX_DIGITS[b >>> 4]).append(HEX_DIGITS[b & 0xF]);
  }

  /**
   * The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
   * nothing above U+10FFFF) that starts at {@code i} with a non-ASCII byte, or 0 when there is
   * none.
   */
  private static int utf8SequenceLength(byte[] b, int i, int to) {
    int lead = b[i] & 0xFF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      return continuation(b, i + 1, to, 0x80, 0xBF) ? 2 : 0;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
      int min = lead == 0xE0 ? 0xA0 : 0x80;
      int max = lead == 0xED ? 0x9F : 0xBF;
      return continuation(b, i + 1, to, min, max) && continuation(b, i + 2, to, 0x80, 0xBF) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
      int min = lead == 0xF0 ? 0x90 : 0x80;
      int max = lead == 0xF4 ? 0x8F : 0xBF;
      return continuation(b, i + 1, to, min, max)
              && continuation(b, i + 2, to, 0x80, 0xBF)
              && continuation(b, i + 3, to, 0x80, 0xBF)
          ? 4
          : 0;
    }
    return 0;
  }

  private static boolean continuation(byte[] b, int i, int to, int min, int max) {
    if (i >= to) {
      return false;
    }
    int c = b[i] & 0xFF;
    return c >= min && c <= max;
  }

  private static int decodeUtf8(byte[] b, int i, int length) {
    int lead = b[i] & 0xFF;
    int codePoint =
        switch (length) {
          case 2 -> lead & 0x1F;
          case 3 -> lead & 0x0F;
          default -> lead & 0x07;
        };
    for (int k = 1; k < length; k++) {
      codePoint = codePoint << 6 | (b[i + k] & 0x3F);
    }
    return codePoint;
  }

  private static int hexDigit(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** A byte of input as a user would recognise it in a message. */
  private static String describe(int b) {
    int c = b & 0xFF;
    return c >= 0x21 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c);
  }
}
