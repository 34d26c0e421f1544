package dev.shale.lsm.cli;

import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.cli.text.MalformedTextException;
import picocli.CommandLine.Option;

/** The {@code --hex} option: how keys and values are read from arguments and printed. */
final class ByteFormatOption {
  @Option(
      names = "--hex",
      description = "Keys and values are hex (two digits per byte) instead of escaped UTF-8 text.")
  boolean hex;

  ByteFormat format() {
    return hex ? ByteFormat.HEX : ByteFormat.TEXT;
  }

  /**
   * The bytes an argument stands for.
   *
   * @param what what the argument is, for the message ("key", "--from")
   * @throws IllegalArgumentException when the argument is not in the chosen format
   */
  byte[] parse(String what, String argument) {
    try {
      return format().parse(argument);
    } catch (MalformedTextException e) {
      throw new IllegalArgumentException(
          what + " '" + argument + "' at byte " + (e.offset() + 1) + ": " + e.getMessage(), e);
    }
  }

  /** The text form of {@code bytes}. */
  String format(byte[] bytes) {
    return format().format(bytes);
  }
}
