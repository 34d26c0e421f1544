package dev.shale.lsm.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian fixed-width integers in byte arrays, through intrinsified array views. */
final class BigEndian {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private BigEndian() {}

  static int getInt(byte[] src, int offset) {
    return (int) INT.get(src, offset);
  }

  static long getLong(byte[] src, int offset) {
    return (long) LONG.get(src, offset);
  }

  static void putInt(byte[] dst, int offset, int value) {
    INT.set(dst, offset, value);
  }

  static void putLong(byte[] dst, int offset, long value) {
    LONG.set(dst, offset, value);
  }
}
