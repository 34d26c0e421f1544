package dev.shale.lsm.cli.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyValueLineReaderTest {

  @Test
  void readsLfAndCrlfLinesSkipsBlankOnesAndTakesALastLineWithoutNewline() throws IOException {
    KeyValueLineReader r = reader("a\t1\r\n\nb\t\n\r\nc\\td\te\\x00", ByteFormat.TEXT);
    assertTrue(r.next());
    assertEquals("a=1@1", entry(r));
    assertTrue(r.next());
    assertEquals("b=@3", entry(r)); // empty value; the blank line 2 still counts
    assertTrue(r.next());
    assertEquals("c\td=e\u0000@5", entry(r));
    assertFalse(r.next());
    assertFalse(r.next());
    assertEquals(21, r.bytesConsumed());
  }

  @Test
  void readsHexLines() throws IOException {
    KeyValueLineReader r = reader("00ff\t\nAB\tcd\n", ByteFormat.HEX);
    assertTrue(r.next());
    assertArrayEquals(new byte[] {0, (byte) 0xFF}, r.key());
    assertArrayEquals(new byte[0], r.value());
    assertTrue(r.next());
    assertArrayEquals(new byte[] {(byte) 0xAB}, r.key());
    assertArrayEquals(new byte[] {(byte) 0xCD}, r.value());
    assertFalse(r.next());
  }

  @Test
  void namesTheLineAndColumnOfAMistake() throws IOException {
    assertEquals(
        "line 2: no TAB between key and value (a line is key<TAB>value)",
        failure("a\tb\nno tab here\n"));
    assertEquals(
        "line 1, column 4: a second TAB (a TAB inside a key or value is written \\t)",
        failure("a\tb\tc\n"));
    String escape = failure("ok\tfine\n\nkey\tva\\lue\n");
    assertTrue(escape.startsWith("line 3, column 7: in the value: unknown escape '\\l'"), escape);
    String key = failure("k\\x0g\tv");
    assertTrue(key.startsWith("line 1, column 2: in the key: "), key);
  }

  @Test
  void stopsAtALineLongerThanTheLimit() throws IOException {
    KeyValueLineReader r =
        new KeyValueLineReader(
            new ByteArrayInputStream(("k\t" + "v".repeat(200)).getBytes(StandardCharsets.UTF_8)),
            ByteFormat.TEXT,
            100);
    MalformedLineException e = assertThrows(MalformedLineException.class, r::next);
    assertEquals(1, e.line());
  }

  @Test
  void readsLinesLongerThanItsBufferAndInputArrivingInDribbles() throws IOException {
    String big = "v".repeat(300_000);
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      input.append("key").append(i).append('\t').append(i == 2 ? big : "x").append('\n');
    }
    byte[] bytes = input.toString().getBytes(StandardCharsets.UTF_8);
    InputStream dribble =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 7));
          }
        };
    KeyValueLineReader r = new KeyValueLineReader(dribble, ByteFormat.TEXT, 1 << 20);
    List<String> keys = new ArrayList<>();
    while (r.next()) {
      keys.add(new String(r.key(), StandardCharsets.UTF_8));
      assertEquals(keys.size() == 3 ? 300_000 : 1, r.value().length);
    }
    assertEquals(List.of("key0", "key1", "key2", "key3", "key4"), keys);
    assertEquals(bytes.length, r.bytesConsumed());
  }

  private static String failure(String input) throws IOException {
    KeyValueLineReader r = reader(input, ByteFormat.TEXT);
    MalformedLineException e =
        assertThrows(
            MalformedLineException.class,
            () -> {
              while (r.next()) {
                // read up to the bad line
              }
            });
    return e.getMessage();
  }

  private static KeyValueLineReader reader(String input, ByteFormat format) {
    return new KeyValueLineReader(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), format, 1 << 20);
  }

  private static String entry(KeyValueLineReader r) {
    return new String(r.key(), StandardCharsets.UTF_8)
        + "="
        + new String(r.value(), StandardCharsets.UTF_8)
        + "@"
        + r.lineNumber();
  }
}
