package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.cli.text.Units;
import dev.shale.lsm.engine.Engine;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaves a Db's tree settled after a bulk write: the memtable flushed and every compaction the
 * strategy wants done, so that the commands that follow find no work to start (and abandon when
 * they close).
 */
final class Settling {
  private Settling() {}

  /**
   * Flushes {@code db} when its close would (so the tree waited for is the one the next command
   * finds), and waits until no compaction is left, showing progress.
   *
   * @return a summary line for the user
   */
  static String settle(Db db, ProgressLine progress) {
    DbStats before = db.stats();
    long started = System.nanoTime();
    boolean flush = before.writes().userBytes() >= Engine.FLUSH_ON_CLOSE_BYTES;
    progress.show(flush ? "settling: flushing the memtable" : "settling");
    try (StatsPoller polling =
        StatsPoller.start(
            db,
            now ->
                progress.show(
                    CompactCommand.progressText(
                        "settling", now, before, System.nanoTime() - started)))) {
      if (flush) {
        db.flush();
      }
      if (db instanceof Engine engine) {
        engine.awaitBackgroundWork();
      }
    }
    DbStats after = db.stats();
    DbStats.Compactions b = before.compactions();
    DbStats.Compactions a = after.compactions();
    return "settled in "
        + Units.duration(System.nanoTime() - started)
        + ": flushed "
        + bytes(after.memtables().flushedBytes() - before.memtables().flushedBytes())
        + ", "
        + count(a.completed() - b.completed(), "compaction", "compactions")
        + " wrote "
        + bytes(a.bytesWritten() - b.bytesWritten())
        + "; "
        + levels(after);
  }

  /** {@code 12 files (40.1 MiB): L0 1, L1 3, L6 8}. */
  static String levels(DbStats stats) {
    List<String> levels = new ArrayList<>();
    for (DbStats.Level level : stats.levels()) {
      if (level.files() > 0) {
        levels.add("L" + level.level() + " " + level.files());
      }
    }
    return count(stats.totalFiles(), "file", "files")
        + " ("
        + bytes(stats.totalFileBytes())
        + ")"
        + (levels.isEmpty() ? "" : ": " + String.join(", ", levels));
  }
}
