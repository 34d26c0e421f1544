package dev.shale.lsm.cli;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.cli.text.Units;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shale wal}: the write-ahead log. */
@Command(
    name = "wal",
    description = "Inspects the write-ahead log.",
    subcommands = WalCommand.Dump.class)
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class WalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "choose a subcommand: dump");
  }

  /** {@code shale wal dump}: segments and records. */
  @Command(
      name = "dump",
      description = {
        "Prints the log's segments and records.",
        "Lists the segments, then every intact record (first sequence, operations) with each"
            + " operation (kind, key, value; long values are cut unless --full). Reads without"
            + " repairing: reading stops at the first damage (e.g. a torn tail after a crash),"
            + " which is reported at the end; nothing in the Db directory changes. May run while"
            + " other read-only commands do, not while the Db is open for writing.",
        ""
      })
  @SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
  static final class Dump implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DbDirectoryOption db;
    @Mixin ByteFormatOption bytes;

    @Option(names = "--full", description = "Print whole values.")
    boolean full;

    @Override
    public Integer call() throws IOException {
      Path directory = db.existing();
      PrintWriter out = spec.commandLine().getOut();
      ByteFormat format = bytes.format();
      ValueDisplay values = new ValueDisplay(format, full);
      List<WalSegment> segments = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      long[] recordNumber = {0};
      WalReplayResult result =
          ShaleTools.onDisk(DbOptions.defaults())
              .readWal(
                  directory,
                  segments,
                  (firstSequence, batch) -> {
                    if (recordNumber[0]++ == 0) {
                      printSegments(out, segments);
                    }
                    text.setLength(0);
                    text.append("record at sequence ")
                        .append(firstSequence)
                        .append(": ")
                        .append(batch.count())
                        .append(batch.count() == 1 ? " operation" : " operations")
                        .append('\n');
                    batch.forEach(
                        (i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) -> {
                          text.append("  ")
                              .append(kind == EntryKind.PUT ? "put" : "delete")
                              .append('\t');
                          format.format(buffer, keyOffset, keyOffset + keyLength, text);
                          if (kind == EntryKind.PUT) {
                            text.append('\t');
                            values.append(buffer, valueOffset, valueLength, text);
                          }
                          text.append('\n');
                        });
                    out.append(text);
                  });
      if (recordNumber[0] == 0) {
        printSegments(out, segments);
      }
      out.println(
          Units.count(result.records())
              + " records in "
              + result.segments()
              + " segments, last sequence "
              + result.lastSequence());
      if (result.droppedRecords() > 0 || !result.damage().isEmpty()) {
        out.println(
            "damage: "
                + (result.damage().isEmpty() ? "(not described)" : result.damage())
                + "; "
                + Units.count(result.droppedRecords())
                + " records ("
                + Units.bytes(result.droppedBytes())
                + ") not shown");
      }
      return ExitCode.OK;
    }

    private static void printSegments(PrintWriter out, List<WalSegment> segments) {
      out.println("segments: " + segments.size());
      for (WalSegment s : segments) {
        out.println(
            "  "
                + s.id()
                + "\t"
                + s.file()
                + "\t"
                + Units.bytes(s.sizeBytes())
                + (s.active() ? "\t(active)" : ""));
      }
    }
  }
}
