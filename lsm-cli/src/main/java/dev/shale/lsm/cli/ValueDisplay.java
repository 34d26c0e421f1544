package dev.shale.lsm.cli;

import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.cli.text.Units;

/**
 * Values in the dumps of inspection commands: formatted like keys, and cut after a few dozen bytes
 * unless {@code --full} was given.
 */
final class ValueDisplay {
  /** Bytes of a value shown before it is cut. */
  static final int SHOWN_BYTES = 48;

  private final ByteFormat format;
  private final boolean full;

  ValueDisplay(ByteFormat format, boolean full) {
    this.format = format;
    this.full = full;
  }

  /** Appends {@code value[from, from + length)}, cut unless full. */
  void append(byte[] value, int from, int length, StringBuilder out) {
    if (full || length <= SHOWN_BYTES) {
      format.format(value, from, from + length, out);
      return;
    }
    format.format(value, from, from + SHOWN_BYTES, out);
    out.append("... (").append(Units.count(length)).append(" bytes)");
  }

  /** Appends {@code value}, cut unless full. */
  void append(byte[] value, StringBuilder out) {
    append(value, 0, value.length, out);
  }
}
