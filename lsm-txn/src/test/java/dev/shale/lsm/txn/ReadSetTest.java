package dev.shale.lsm.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.spi.txn.TransactionSupport.CommittedState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ranges a read set covers and how it validates them against a committed state. */
class ReadSetTest {

  private static byte[] k(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void scanCoversFromItsStartToTheLastKeyReturnedOrToItsBoundWhenExhausted() {
    ReadSet reads = new ReadSet();
    ReadSet.Scan partial = reads.startScan(k("b"), k("x"));
    partial.reached(k("c"));
    partial.reached(k("d"));
    ReadSet.Scan full = reads.startScan(k("m"), k("p"));
    full.reached(k("n"));
    full.exhausted();
    reads.startScan(k("q"), null); // positioned but never read: covers nothing
    List<ReadSet.Range> ranges = reads.coveredRanges();
    assertEquals(2, ranges.size());
    assertArrayEquals(k("b"), ranges.get(0).from());
    assertArrayEquals(new byte[] {'d', 0}, ranges.get(0).to());
    assertArrayEquals(k("m"), ranges.get(1).from());
    assertArrayEquals(k("p"), ranges.get(1).to());
  }

  @Test
  void overlappingAndUnboundedRangesMerge() {
    ReadSet reads = new ReadSet();
    ReadSet.Scan a = reads.startScan(k("c"), k("f"));
    a.exhausted();
    ReadSet.Scan b = reads.startScan(k("e"), k("h"));
    b.exhausted();
    ReadSet.Scan c = reads.startScan(null, k("b"));
    c.exhausted();
    ReadSet.Scan d = reads.startScan(k("x"), null);
    d.exhausted();
    List<ReadSet.Range> ranges = reads.coveredRanges();
    assertEquals(3, ranges.size());
    assertNull(ranges.get(0).from());
    assertArrayEquals(k("b"), ranges.get(0).to());
    assertArrayEquals(k("c"), ranges.get(1).from());
    assertArrayEquals(k("h"), ranges.get(1).to());
    assertArrayEquals(k("x"), ranges.get(2).from());
    assertNull(ranges.get(2).to());
  }

  @Test
  void validationAsksForUncoveredKeysAndForEveryRange() {
    ReadSet reads = new ReadSet();
    reads.addKey(k("a"));
    reads.addKey(k("d")); // inside the scanned range: checked through the range only
    ReadSet.Scan s = reads.startScan(k("c"), k("f"));
    s.exhausted();
    FakeState state = new FakeState();
    state.versions.put("a", 5L);
    state.versions.put("d", 5L);
    reads.validate(state, 10);
    assertEquals(List.of("a"), state.keysAsked);
    assertEquals(List.of("c..f"), state.rangesAsked);

    state.versions.put("e", 11L);
    assertThrows(TransactionConflictException.class, () -> reads.validate(state, 10));
    state.versions.remove("e");
    state.versions.put("a", 12L);
    assertThrows(TransactionConflictException.class, () -> reads.validate(state, 10));
  }

  @Test
  void describesKeysReadably() {
    assertEquals("\"abc\"", Keys.describe(k("abc")));
    assertEquals("0x00ff", Keys.describe(new byte[] {0, (byte) 0xFF}));
    assertNull(Keys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
    assertArrayEquals(new byte[] {1, 3}, Keys.prefixEnd(new byte[] {1, 2, (byte) 0xFF}));
  }

  private static final class FakeState implements CommittedState {
    final TreeMap<String, Long> versions = new TreeMap<>();
    final List<String> keysAsked = new ArrayList<>();
    final List<String> rangesAsked = new ArrayList<>();

    @Override
    public long latestSequence(byte[] key) {
      String s = new String(key, StandardCharsets.UTF_8);
      keysAsked.add(s);
      return versions.getOrDefault(s, -1L);
    }

    @Override
    public boolean changedSince(byte[] from, byte[] to, long sequence) {
      String f = from == null ? "" : new String(from, StandardCharsets.UTF_8);
      String t = to == null ? null : new String(to, StandardCharsets.UTF_8);
      rangesAsked.add(f + ".." + (t == null ? "" : t));
      return (t == null ? versions.tailMap(f, true) : versions.subMap(f, t))
          .values().stream().anyMatch(v -> v > sequence);
    }
  }
}
