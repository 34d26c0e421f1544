package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.cli.text.KeyValueLineReader;
import dev.shale.lsm.cli.text.MalformedLineException;
import dev.shale.lsm.cli.text.Units;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shale load}: writes {@code key<TAB>value} lines from standard input in large batches, the
 * last one fsynced. A malformed line stops the load: everything before it is written (and synced),
 * nothing from it on.
 */
@Command(
    name = "load",
    description = {
      "Writes key<TAB>value lines from standard input in large batches.",
      "Reads the format 'shale scan' prints. The last batch is fsynced, so everything loaded is"
          + " on disk when the command exits 0. Lines end with LF or CRLF; blank lines are"
          + " skipped. Creates the Db when DIR holds none.",
      "A malformed line stops the load with exit code 2: the lines before it are written, nothing"
          + " from it on.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class LoadCommand implements Callable<Integer> {
  private static final long MIN_BATCH_BYTES = 4L << 10;
  private static final long MAX_BATCH_BYTES = 64L << 20;
  private static final WriteOptions UNSYNCED = WriteOptions.of(Durability.MEMORY);
  private static final WriteOptions SYNCED = WriteOptions.of(Durability.LOCAL);

  @Spec CommandSpec spec;
  @Mixin DbOpenOptions db;
  @Mixin ByteFormatOption bytes;
  @Mixin ProgressOption progressOption;

  @Option(
      names = "--batch-size",
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "Bytes per write batch, 4k to 64m (default 4m).")
  long batchBytes = 4L << 20;

  @Override
  public Integer call() throws IOException {
    if (batchBytes < MIN_BATCH_BYTES || batchBytes > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "--batch-size must be between 4k and 64m, was " + Units.bytes(batchBytes));
    }
    DbOptions options = db.options();
    // A text line spends at most four characters (\xHH) per byte, plus the TAB and a CRLF.
    long maxLine = 4L * ((long) options.maxKeyBytes() + options.maxValueBytes()) + 3;
    KeyValueLineReader lines =
        new KeyValueLineReader(
            ShaleCommand.of(spec).stdin(),
            bytes.format(),
            (int) Math.min(maxLine, Integer.MAX_VALUE - 16));
    Loader loader = new Loader(options);
    long started;
    try (Db opened = db.openOrCreate();
        ProgressLine progress = progressOption.open(spec)) {
      started = System.nanoTime();
      try {
        while (lines.next()) {
          loader.add(opened, lines);
          if (progress.due()) {
            progress.show(progressText(lines, System.nanoTime() - started));
          }
        }
      } catch (MalformedLineException e) {
        loader.finish(opened);
        throw new IllegalArgumentException(e.getMessage() + "; " + loader.written(e), e);
      }
      loader.finish(opened);
    }
    long elapsed = System.nanoTime() - started;
    spec.commandLine()
        .getOut()
        .println(
            "loaded "
                + Units.count(loader.entries, "entry", "entries")
                + " from "
                + Units.count(lines.lineNumber(), "line", "lines")
                + " ("
                + Units.bytes(lines.bytesConsumed())
                + ") in "
                + Units.duration(elapsed)
                + ", "
                + Units.count(Units.perSecond(lines.lineNumber(), elapsed))
                + " lines/s"
                + (loader.entries > 0 ? "; synced to disk" : ""));
    return ExitCode.OK;
  }

  private static String progressText(KeyValueLineReader lines, long elapsedNanos) {
    return "loading: "
        + Units.count(lines.lineNumber())
        + " lines, "
        + Units.bytes(lines.bytesConsumed())
        + ", "
        + Units.duration(elapsedNanos)
        + ", "
        + Units.count(Units.perSecond(lines.lineNumber(), elapsedNanos))
        + " lines/s";
  }

  /**
   * Groups entries into batches. A full batch is written when the next entry arrives, so the last
   * batch is never empty and writing it with LOCAL durability syncs the whole load.
   */
  private final class Loader {
    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final WriteBatch batch = new WriteBatch();
    private long entries; // written or pending

    Loader(DbOptions options) {
      this.maxKeyBytes = options.maxKeyBytes();
      this.maxValueBytes = options.maxValueBytes();
    }

    void add(Db target, KeyValueLineReader lines) {
      byte[] key = lines.key();
      byte[] value = lines.value();
      // Checked here, not by the Db, so that the message names the line.
      if (key.length == 0) {
        throw new MalformedLineException(lines.lineNumber(), 1, "the key is empty");
      }
      if (key.length > maxKeyBytes) {
        throw new MalformedLineException(
            lines.lineNumber(),
            0,
            "the key is " + key.length + " bytes, more than the limit of " + maxKeyBytes);
      }
      if (value.length > maxValueBytes) {
        throw new MalformedLineException(
            lines.lineNumber(),
            0,
            "the value is " + value.length + " bytes, more than the limit of " + maxValueBytes);
      }
      long entryBytes = 16L + key.length + value.length;
      if (!batch.isEmpty() && batch.encodedLength() + entryBytes > batchBytes) {
        target.write(batch, UNSYNCED);
        batch.clear();
      }
      batch.put(key, value);
      entries++;
    }

    /** Writes the pending batch, synced. */
    void finish(Db target) {
      if (!batch.isEmpty()) {
        target.write(batch, SYNCED);
        batch.clear();
      }
    }

    /** What was written when {@code failure} stopped the load. */
    String written(MalformedLineException failure) {
      if (entries == 0) {
        return "nothing was loaded";
      }
      return "lines 1 to "
          + (failure.line() - 1)
          + " were loaded ("
          + Units.count(entries)
          + " entries, synced to disk), nothing from line "
          + failure.line()
          + " on";
    }
  }
}
