package dev.shale.lsm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ReadOptionsTest {

  @Test
  void boundsAreCopiedInAndOut() {
    byte[] lower = {1, 2};
    ReadOptions o = ReadOptions.defaults().withLowerBound(lower).withPrefix(new byte[] {1});
    lower[0] = 9;
    byte[] got = o.lowerBound();
    assertArrayEquals(new byte[] {1, 2}, got);
    got[0] = 7;
    assertArrayEquals(new byte[] {1, 2}, o.lowerBound());
    assertNull(o.upperBound());
    assertArrayEquals(new byte[] {1}, o.prefix());
  }
}
