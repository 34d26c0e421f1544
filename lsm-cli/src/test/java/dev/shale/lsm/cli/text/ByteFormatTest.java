package dev.shale.lsm.cli.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ByteFormatTest {

  @Property(tries = 2000)
  void textRoundTripsAnyBytes(@ForAll("trickyBytes") byte[] bytes) throws Exception {
    String text = ByteFormat.TEXT.format(bytes);
    assertArrayEquals(bytes, ByteFormat.TEXT.parse(text), text);
    // What a line-based reader relies on: no TAB, CR, LF or other control character survives.
    text.codePoints()
        .forEach(c -> assertTrue(c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F), text));
    // Output is valid UTF-8 text: encoding it and decoding strictly gives it back.
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        text,
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(utf8))
            .toString());
  }

  @Property(tries = 500)
  void printableTextWithoutBackslashesStandsForItself(@ForAll("printableText") String text)
      throws CharacterCodingException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(text, ByteFormat.TEXT.format(utf8));
    assertArrayEquals(utf8, ByteFormat.TEXT.parse(text));
  }

  @Property(tries = 1000)
  void hexRoundTripsAnyBytes(@ForAll byte[] bytes) {
    String hex = ByteFormat.HEX.format(bytes);
    assertEquals(2 * bytes.length, hex.length());
    assertArrayEquals(bytes, ByteFormat.HEX.parse(hex));
    assertArrayEquals(bytes, ByteFormat.HEX.parse(hex.toUpperCase(java.util.Locale.ROOT)));
  }

  @Test
  void escapesExactlyWhatTheHelpSays() {
    assertEquals("plain text", text("plain text"));
    assertEquals("h\u00e9llo \u20ac \uD83D\uDE00", text("h\u00e9llo \u20ac \uD83D\uDE00"));
    assertEquals("a\\\\b\\tc\\nd\\re", text("a\\b\tc\nd\re"));
    assertEquals("\\x00\\x1f\\x7f", text("\u0000\u001f\u007f"));
    assertEquals("\\xc2\\x85", text("\u0085")); // a C1 control: both of its bytes
    assertEquals("\u00a0", text("\u00a0")); // the first character after the C1 block
  }

  @Test
  void escapesEveryByteOfInvalidUtf8() {
    assertEquals("\\xff", ByteFormat.TEXT.format(bytes(0xFF)));
    assertEquals("\\xc0\\x80", ByteFormat.TEXT.format(bytes(0xC0, 0x80))); // overlong NUL
    assertEquals("\\xe0\\x80\\x80", ByteFormat.TEXT.format(bytes(0xE0, 0x80, 0x80))); // overlong
    assertEquals("\\xed\\xa0\\x80", ByteFormat.TEXT.format(bytes(0xED, 0xA0, 0x80))); // surrogate
    assertEquals(
        "\\xf4\\x90\\x80\\x80", ByteFormat.TEXT.format(bytes(0xF4, 0x90, 0x80, 0x80))); // >10FFFF
    assertEquals("\\xe2\\x82", ByteFormat.TEXT.format(bytes(0xE2, 0x82))); // cut short
    assertEquals("\\x80a", ByteFormat.TEXT.format(bytes(0x80, 'a'))); // lone continuation
    assertEquals("\\xe2\u20ac", ByteFormat.TEXT.format(bytes(0xE2, 0xE2, 0x82, 0xAC)));
  }

  @Test
  void parsesEscapesInEitherCase() {
    assertArrayEquals(bytes(0xAB, 0xCD), ByteFormat.TEXT.parse("\\xab\\xCD"));
    assertArrayEquals(bytes('\\', '\t', '\n', '\r'), ByteFormat.TEXT.parse("\\\\\\t\\n\\r"));
    // Raw control characters are accepted as themselves: only the escapes are special.
    assertArrayEquals(bytes(1, '\t'), ByteFormat.TEXT.parse("\u0001\t"));
  }

  @Test
  void rejectsBrokenEscapesNamingTheOffset() {
    MalformedTextException lone = assertThrows(MalformedTextException.class, () -> parse("ab\\"));
    assertEquals(2, lone.offset());
    MalformedTextException unknown =
        assertThrows(MalformedTextException.class, () -> parse("a\\qb"));
    assertEquals(1, unknown.offset());
    assertTrue(unknown.getMessage().contains("'\\q'"), unknown.getMessage());
    assertThrows(MalformedTextException.class, () -> parse("\\x4"));
    assertThrows(MalformedTextException.class, () -> parse("\\x"));
    assertThrows(MalformedTextException.class, () -> parse("\\xg0"));
  }

  @Test
  void rejectsBadHex() {
    MalformedTextException odd =
        assertThrows(MalformedTextException.class, () -> ByteFormat.HEX.parse("abc"));
    assertTrue(odd.getMessage().contains("even"), odd.getMessage());
    MalformedTextException digit =
        assertThrows(MalformedTextException.class, () -> ByteFormat.HEX.parse("00zz"));
    assertEquals(2, digit.offset());
    assertArrayEquals(new byte[0], ByteFormat.HEX.parse(""));
  }

  @Test
  void parsesASliceOfALine() {
    byte[] line = "key\\x41\tvalue".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals("keyA".getBytes(StandardCharsets.UTF_8), ByteFormat.TEXT.parse(line, 0, 7));
  }

  @Provide
  Arbitrary<byte[]> trickyBytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<byte[]> utf8 =
        Arbitraries.strings().all().ofMaxLength(20).map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> pieces =
        Arbitraries.of("\\", "\\x41", "\t", "\n", "\r", "\r\n", "\u0085", "\u00e9", "\uD83D\uDE00")
            .list()
            .ofMaxSize(8)
            .map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> cutUtf8 =
        utf8.filter(b -> b.length > 1).map(b -> java.util.Arrays.copyOf(b, b.length - 1));
    return Arbitraries.oneOf(random, utf8, pieces, cutUtf8);
  }

  @Provide
  Arbitrary<String> printableText() {
    return Arbitraries.strings()
        .all()
        .ofMaxLength(30)
        .filter(
            s ->
                s.codePoints()
                    .allMatch(
                        c ->
                            c >= 0x20
                                && c != '\\'
                                && c != 0x7F
                                && !(c >= 0x80 && c <= 0x9F)
                                && !(c >= 0xD800 && c <= 0xDFFF)));
  }

  private static byte[] parse(String text) {
    return ByteFormat.TEXT.parse(text);
  }

  private static String text(String s) {
    return ByteFormat.TEXT.format(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
