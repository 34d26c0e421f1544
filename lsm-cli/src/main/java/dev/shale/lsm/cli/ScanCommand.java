package dev.shale.lsm.cli;

import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.cli.text.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shale scan}: prints live entries as {@code key<TAB>value} lines in key order. */
@Command(
    name = "scan",
    description = {
      "Prints live entries as key<TAB>value lines in key order.",
      "Keys are ordered as unsigned bytes. The output is what 'shale load' reads.",
      HelpTexts.READ_ONLY,
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class ScanCommand implements Callable<Integer> {
  /** How often, in lines, to check that standard output still takes what is written. */
  private static final int CHECK_EVERY = 4096;

  @Spec CommandSpec spec;
  @Mixin TargetOptions target;
  @Mixin ByteFormatOption bytes;

  @Option(names = "--from", paramLabel = "KEY", description = "Start at KEY (inclusive).")
  @Nullable String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Stop before KEY (exclusive).")
  @Nullable String to;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Only keys that start with PREFIX.")
  @Nullable String prefix;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
  @Nullable Long limit;

  @Override
  public Integer call() throws IOException {
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("--limit must not be negative, was " + limit);
    }
    ReadOptions read =
        ReadOptions.defaults()
            .withLowerBound(from == null ? null : bytes.parse("--from", from))
            .withUpperBound(to == null ? null : bytes.parse("--to", to))
            .withPrefix(prefix == null ? null : bytes.parse("--prefix", prefix))
            .withFillCache(false);
    long max = limit == null ? Long.MAX_VALUE : limit;
    PrintWriter out = spec.commandLine().getOut();
    ByteFormat format = bytes.format();
    StringBuilder line = new StringBuilder(256);
    long printed = 0;
    try (Store store = target.openToRead(spec.qualifiedName());
        Stream<KeyValue> scan = store.scan(read, max)) {
      for (Iterator<KeyValue> entries = scan.iterator(); entries.hasNext(); ) {
        KeyValue entry = entries.next();
        line.setLength(0);
        format.format(entry.key(), line);
        line.append('\t');
        format.format(entry.value(), line);
        line.append('\n');
        out.append(line);
        printed++;
        if (printed % CHECK_EVERY == 0) {
          checkOutput(out, printed);
        }
      }
    }
    checkOutput(out, printed);
    return ExitCode.OK;
  }

  /** Stops a scan whose reader went away ({@code | head}) or whose disk filled up. */
  private static void checkOutput(PrintWriter out, long printed) {
    if (out.checkError()) {
      throw new UncheckedIOException(
          new IOException(
              "stopped after "
                  + Units.count(printed, "entry", "entries")
                  + ": standard output was closed (or failed)"));
    }
  }
}
