package dev.shale.lsm.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One key and its value, as returned by {@link Db#scan}. Immutable; compares arrays by content. */
public final class KeyValue {
  private final byte[] key;
  private final byte[] value;

  /** Takes ownership of both arrays; callers must not modify them afterwards. */
  public KeyValue(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }

  /** The key, in a new array. */
  public byte[] key() {
    return key.clone();
  }

  /** The value, in a new array. */
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue other
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return new String(key, StandardCharsets.UTF_8)
        + "="
        + new String(value, StandardCharsets.UTF_8);
  }
}
