package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.engine.DbInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shale manifest}: the Db's manifest. */
@Command(
    name = "manifest",
    description = "Inspects the manifest (the log of the tree's versions).",
    subcommands = ManifestCommand.Dump.class)
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class ManifestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "choose a subcommand: dump");
  }

  /** {@code shale manifest dump}: the recorded state and every edit. */
  @Command(
      name = "dump",
      description = {
        "Prints the manifest's state and edits.",
        "What the current manifest records (file numbers, sequences, the live tables level by"
            + " level with their key and sequence ranges), then every edit in it, oldest first.",
        ""
      })
  @SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
  static final class Dump implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DbDirectoryOption db;
    @Mixin ByteFormatOption bytes;

    @Override
    public Integer call() throws IOException {
      DbInspector.ManifestInfo m = ShaleTools.onDisk(DbOptions.defaults()).manifest(db.existing());
      PrintWriter out = spec.commandLine().getOut();
      ByteFormat format = bytes.format();
      row(out, "manifest", m.manifestFile());
      row(out, "next file number", String.valueOf(m.nextFileNumber()));
      row(out, "log number", String.valueOf(m.logNumber()));
      row(out, "last sequence", String.valueOf(m.lastSequence()));
      row(out, "writer epoch", String.valueOf(m.writerEpoch()));
      String strategy = m.compactionStrategy();
      row(out, "compaction", strategy == null ? "(not recorded)" : strategy);
      out.println();
      out.println("tables: " + count(m.tables().size()) + ", " + bytes(m.totalTableBytes()));
      if (!m.tables().isEmpty()) {
        out.println("  level\tfile\tsize\tentries\ttombstones\tsequences\tkeys");
      }
      for (DbInspector.TableInfo t : m.tables()) {
        out.println(
            "  L"
                + t.level()
                + "\t"
                + t.path().getFileName()
                + "\t"
                + bytes(t.sizeBytes())
                + "\t"
                + count(t.entryCount())
                + "\t"
                + count(t.tombstoneCount())
                + "\t"
                + t.smallestSequence()
                + ".."
                + t.largestSequence()
                + "\t"
                + format.format(t.smallestKey())
                + " .. "
                + format.format(t.largestKey()));
      }
      out.println();
      out.println("edits: " + count(m.edits().size()));
      for (String edit : m.edits()) {
        out.println("  " + edit);
      }
      return ExitCode.OK;
    }

    private static void row(PrintWriter out, String name, String value) {
      out.printf(Locale.ROOT, "%-17s %s%n", name, value);
    }
  }
}
