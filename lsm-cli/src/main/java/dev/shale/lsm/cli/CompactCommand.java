package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.cli.text.Units;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shale compact}: a manual compaction of a key range (or everything) to the last level. */
@Command(
    name = "compact",
    description = {
      "Compacts a key range (default: everything) down to the last level.",
      "Flushes the memtable, then compacts every file holding keys in [--from, --to] (both"
          + " inclusive), dropping overwritten versions and deleted keys, and waits for it. Shows"
          + " progress on standard error, then a summary: files and bytes before and after.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class CompactCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DbOpenOptions db;
  @Mixin ByteFormatOption bytes;
  @Mixin ProgressOption progressOption;

  @Option(names = "--from", paramLabel = "KEY", description = "First key (inclusive).")
  @Nullable String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Last key (inclusive).")
  @Nullable String to;

  @Override
  public Integer call() throws IOException, InterruptedException {
    byte[] first = from == null ? null : bytes.parse("--from", from);
    byte[] last = to == null ? null : bytes.parse("--to", to);
    DbStats before;
    DbStats after;
    long started;
    long elapsed;
    try (Db opened = db.openExisting();
        ProgressLine progress = progressOption.open(spec)) {
      before = opened.stats();
      started = System.nanoTime();
      progress.show(progressText("compacting", before, before, 0));
      try (StatsPoller polling =
          StatsPoller.start(
              opened,
              now ->
                  progress.show(
                      progressText("compacting", now, before, System.nanoTime() - started)))) {
        opened.compactRange(first, last);
      }
      elapsed = System.nanoTime() - started;
      after = opened.stats();
    }
    spec.commandLine().getOut().println(summary(before, after, elapsed));
    return ExitCode.OK;
  }

  /**
   * {@code compacted in 1.2 s: 12 files (40.1 MiB) before, 3 files (31.0 MiB) after; flushed 2.0
   * MiB; 4 compactions read 42.1 MiB and wrote 31.0 MiB}.
   */
  private static String summary(DbStats before, DbStats after, long elapsedNanos) {
    DbStats.Compactions b = before.compactions();
    DbStats.Compactions a = after.compactions();
    return "compacted in "
        + Units.duration(elapsedNanos)
        + ": "
        + count(before.totalFiles(), "file", "files")
        + " ("
        + bytes(before.totalFileBytes())
        + ") before, "
        + count(after.totalFiles(), "file", "files")
        + " ("
        + bytes(after.totalFileBytes())
        + ") after; flushed "
        + bytes(after.memtables().flushedBytes() - before.memtables().flushedBytes())
        + "; "
        + count(a.completed() - b.completed(), "compaction", "compactions")
        + " read "
        + bytes(a.bytesRead() - b.bytesRead())
        + " and wrote "
        + bytes(a.bytesWritten() - b.bytesWritten());
  }

  /** {@code compacting: 1 running, 40% of 1,000 input entries, 2 finished, 1.2 s}. */
  static String progressText(String doing, DbStats now, DbStats before, long elapsedNanos) {
    DbStats.Compactions c = now.compactions();
    StringBuilder text = new StringBuilder(doing).append(": ");
    if (c.running() > 0) {
      long percent =
          c.runningInputEntries() == 0 ? 0 : 100 * c.runningEntriesDone() / c.runningInputEntries();
      text.append(c.running())
          .append(" running, ")
          .append(percent)
          .append("% of ")
          .append(count(c.runningInputEntries()))
          .append(" input entries, ");
    }
    return text.append(count(c.completed() - before.compactions().completed()))
        .append(" finished, ")
        .append(Units.duration(elapsedNanos))
        .toString();
  }
}
