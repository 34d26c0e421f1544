package dev.shale.lsm.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyOrderTest {

  @Test
  void keysCompareAsUnsignedBytes() {
    assertTrue(KeyOrder.compareKeys(new byte[] {0x7F}, new byte[] {(byte) 0x80}) < 0);
    assertTrue(KeyOrder.compareKeys(new byte[] {1}, new byte[] {1, 0}) < 0);
  }

  @Test
  void newerVersionsOfAKeyComeFirst() {
    byte[] k = {5};
    assertTrue(
        KeyOrder.compareInternal(
                k, Sequences.trailer(10, EntryKind.PUT), k, Sequences.trailer(9, EntryKind.PUT))
            < 0);
    assertTrue(
        KeyOrder.compareInternal(
                new byte[] {4},
                Sequences.trailer(1, EntryKind.PUT),
                k,
                Sequences.trailer(99, EntryKind.PUT))
            < 0);
  }

  @Test
  void prefixSuccessorSkipsTrailingFfBytes() {
    assertArrayEquals(new byte[] {1, 3}, KeyOrder.prefixSuccessor(new byte[] {1, 2}));
    assertArrayEquals(new byte[] {2}, KeyOrder.prefixSuccessor(new byte[] {1, (byte) 0xFF}));
    assertNull(KeyOrder.prefixSuccessor(new byte[] {(byte) 0xFF, (byte) 0xFF}));
  }

  @Test
  void trailerPacksSequenceAndKind() {
    long t = Sequences.trailer(Sequences.MAX_SEQUENCE, EntryKind.DELETE);
    assertTrue(Sequences.sequenceOf(t) == Sequences.MAX_SEQUENCE);
    assertTrue(Sequences.kindOf(t) == EntryKind.DELETE);
  }
}
