package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.cli.text.KeyValueLineReader;
import dev.shale.lsm.cli.text.MalformedLineException;
import dev.shale.lsm.cli.text.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shale load}: writes {@code key<TAB>value} lines from standard input in large batches, the
 * last one fsynced, then waits until the tree is settled. A malformed line stops the load: nothing
 * is written while the input so far fits in one batch; past that, everything before it is written
 * (and synced), nothing from it on.
 */
@Command(
    name = "load",
    description = {
      "Writes key<TAB>value lines from standard input in large batches.",
      "Reads the format 'shale scan' prints: backslash escapes (\\t, \\n, \\\\, \\xHH) stand"
          + " for bytes, so a backslash in the data is written \\\\. With --raw nothing is"
          + " unescaped: the bytes up to the first TAB are the key, the rest of the line is the"
          + " value (TSV from elsewhere, e.g. C:\\temp\\new). Lines end with LF or CRLF; blank"
          + " lines are skipped. Creates the Db when DIR holds none.",
      "The last batch is fsynced, so everything loaded is on disk when the command exits 0. Then"
          + " the memtable is flushed and the command waits until compactions have settled the"
          + " tree (with progress), so later commands find no work left; --no-wait skips that and"
          + " says what is left.",
      "A malformed line stops the load with exit code 2. While the input read so far fits in one"
          + " batch (--batch-size) nothing is written; past that, the lines before it are written"
          + " and the message says which.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class LoadCommand implements Callable<Integer> {
  private static final long MIN_BATCH_BYTES = 4L << 10;
  private static final long MAX_BATCH_BYTES = 64L << 20;

  /** Below this many lines a rate says nothing (it measured the open and the sync, not lines). */
  private static final long RATE_MIN_LINES = 1000;

  private static final WriteOptions UNSYNCED = WriteOptions.of(Durability.MEMORY);
  private static final WriteOptions SYNCED = WriteOptions.of(Durability.LOCAL);

  @Spec CommandSpec spec;
  @Mixin DbOpenOptions db;
  @Mixin ByteFormatOption bytes;
  @Mixin ProgressOption progressOption;

  @Option(
      names = "--raw",
      description =
          "Read lines literally: the key is the bytes up to the first TAB, the value the rest of"
              + " the line; no backslash escapes.")
  boolean raw;

  @Option(
      names = "--no-wait",
      description =
          "Do not flush and wait for compactions at the end: exit once the data is synced, leaving"
              + " the tree for later commands that write to settle.")
  boolean noWait;

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
    if (raw && bytes.hex) {
      throw new IllegalArgumentException("--raw and --hex are two formats: choose one");
    }
    DbOptions options = db.options();
    // A text line spends at most four characters (\xHH) per byte, plus the TAB and a CRLF.
    long maxLine = 4L * ((long) options.maxKeyBytes() + options.maxValueBytes()) + 3;
    int maxLineBytes = (int) Math.min(maxLine, Integer.MAX_VALUE - 16);
    KeyValueLineReader lines =
        raw
            ? KeyValueLineReader.raw(ShaleCommand.of(spec).stdin(), maxLineBytes)
            : new KeyValueLineReader(ShaleCommand.of(spec).stdin(), bytes.format(), maxLineBytes);
    Loader loader = new Loader(options);
    long started;
    long loaded;
    String settled;
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
        loader.stop(opened);
        throw new IllegalArgumentException(e.getMessage() + "; " + loader.written(e), e);
      }
      loader.finish(opened);
      loaded = System.nanoTime() - started;
      settled = noWait ? unsettled(opened.stats()) : Settling.settle(opened, progress);
    }
    StringBuilder summary =
        new StringBuilder("loaded ")
            .append(Units.count(loader.entries, "entry", "entries"))
            .append(" from ")
            .append(Units.count(lines.lineNumber(), "line", "lines"))
            .append(" (")
            .append(Units.bytes(lines.bytesConsumed()))
            .append(") in ")
            .append(Units.duration(loaded));
    if (lines.lineNumber() >= RATE_MIN_LINES) {
      summary
          .append(", ")
          .append(Units.count(Units.perSecond(lines.lineNumber(), loaded)))
          .append(" lines/s");
    }
    if (loader.entries > 0) {
      summary.append("; synced to disk");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(summary);
    if (!settled.isEmpty()) {
      out.println(settled);
    }
    return ExitCode.OK;
  }

  /** What --no-wait leaves, or "" when nothing. */
  private static String unsettled(DbStats stats) {
    long pending = stats.compactions().pendingBytes();
    int level0 = stats.levels().isEmpty() ? 0 : stats.levels().get(0).files();
    if (pending == 0 && stats.memtables().activeEntries() == 0) {
      return "";
    }
    return "not settled (--no-wait): "
        + Units.count(stats.memtables().activeEntries(), "entry", "entries")
        + " in the memtable (flushed at close from 1 MiB on), "
        + Units.count(level0, "file", "files")
        + " in level 0, "
        + Units.bytes(pending)
        + " waiting for compaction; the next command that writes compacts them (or run 'shale"
        + " compact')";
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
    private long batchesWritten;

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
        batchesWritten++;
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

    /**
     * After a malformed line: drops the pending batch when nothing was written yet (so a load that
     * fits in one batch is all or nothing), else writes it, synced (so everything before the line
     * is loaded, and a new load can start from it).
     */
    void stop(Db target) {
      if (batchesWritten == 0) {
        entries = 0;
        batch.clear();
      } else {
        finish(target);
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
