package dev.shale.lsm.cli.text;

import java.util.Locale;

/** Reads and writes byte sizes, counts and durations the way people type and read them. */
public final class Units {
  private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Units() {}

  /** {@code 0 B}, {@code 999 B}, {@code 1.0 KiB}, {@code 12.3 MiB}: powers of 1024. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, BINARY_UNITS[unit]);
  }

  /** {@code 1,234,567}. */
  public static String count(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  /** {@code 1 entry}, {@code 1,234 entries}: a count with its noun, singular for one. */
  public static String count(long count, String one, String many) {
    return count(count) + " " + (count == 1 ? one : many);
  }

  /** {@code 850 ms}, {@code 12.3 s}. */
  public static String duration(long nanos) {
    long millis = nanos / 1_000_000;
    if (millis < 1000) {
      return millis + " ms";
    }
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** {@code count} per second over {@code nanos}, as a whole number; 0 for no time. */
  public static long perSecond(long count, long nanos) {
    return nanos <= 0 ? 0 : (long) (count * 1e9 / nanos);
  }

  /**
   * Parses a byte size: a whole number optionally followed by {@code k}, {@code m}, {@code g} or
   * {@code t} (powers of 1024; {@code KiB}, {@code KB} and the like are accepted, in any case).
   *
   * @throws IllegalArgumentException when {@code text} is not such a size or does not fit a long
   */
  public static long parseBytes(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    int digits = 0;
    while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write e.g. 4096, 64k, 64m or 1g");
    }
    String unit = s.substring(digits).strip();
    int shift =
        switch (unit) {
          case "", "b" -> 0;
          case "k", "kb", "kib" -> 10;
          case "m", "mb", "mib" -> 20;
          case "g", "gb", "gib" -> 30;
          case "t", "tb", "tib" -> 40;
          default ->
              throw new IllegalArgumentException(
                  "'" + text + "' has an unknown unit '" + unit + "'; use k, m, g or t");
        };
    long number;
    try {
      number = Long.parseLong(s.substring(0, digits));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large", e);
    }
    if (number > Long.MAX_VALUE >> shift) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return number << shift;
  }
}
