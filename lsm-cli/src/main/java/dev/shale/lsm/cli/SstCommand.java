package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.ByteFormat;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableProperties;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shale sst}: one SSTable file. */
@Command(name = "sst", description = "Inspects SSTable files.", subcommands = SstCommand.Dump.class)
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class SstCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "choose a subcommand: dump");
  }

  /** {@code shale sst dump}: properties, index, optionally entries. */
  @Command(
      name = "dump",
      description = {
        "Prints an SSTable's properties, index and entries.",
        "Properties and index (the data blocks) always; with --entries every entry (key,"
            + " sequence, kind, value), tombstones and old versions included. Reads any installed"
            + " format.",
        ""
      })
  @SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
  static final class Dump implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ByteFormatOption bytes;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .sst file.")
    Path file;

    @Option(names = "--entries", description = "Also print the entries.")
    boolean entries;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
    @Nullable Long limit;

    @Option(names = "--full", description = "Print whole values.")
    boolean full;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no such file: " + file);
      }
      if (limit != null && limit < 0) {
        throw new IllegalArgumentException("--limit must not be negative, was " + limit);
      }
      PrintWriter out = spec.commandLine().getOut();
      ByteFormat format = bytes.format();
      try (SSTableReader table = ShaleTools.onDisk(DbOptions.defaults()).openTable(file)) {
        printProperties(out, format, table);
        printIndex(out, format, table.dataBlocks());
        if (entries) {
          printEntries(out, format, table);
        }
      }
      return ExitCode.OK;
    }

    private void printProperties(PrintWriter out, ByteFormat format, SSTableReader table) {
      TableProperties p = table.properties();
      row(out, "file", file + " (" + bytes(table.fileSize()) + ")");
      row(
          out,
          "format",
          p.formatName()
              + " version "
              + p.formatVersion()
              + ", compression "
              + p.compression()
              + ", bloom filter "
              + (p.bloomBitsPerKey() == 0 ? "none" : p.bloomBitsPerKey() + " bits/key"));
      row(
          out,
          "entries",
          count(p.entryCount()) + " (" + count(p.tombstoneCount()) + " tombstones)");
      row(out, "keys", format.format(p.smallestKey()) + " .. " + format.format(p.largestKey()));
      row(out, "sequences", p.smallestSequence() + " .. " + p.largestSequence());
      row(
          out,
          "raw sizes",
          "keys " + bytes(p.rawKeyBytes()) + ", values " + bytes(p.rawValueBytes()));
      row(
          out,
          "blocks",
          count(p.dataBlockCount())
              + " data ("
              + bytes(p.dataBytes())
              + "), index "
              + bytes(p.indexBytes())
              + ", filter "
              + bytes(p.filterBytes()));
    }

    private static void printIndex(
        PrintWriter out, ByteFormat format, List<SSTableReader.BlockInfo> blocks) {
      out.println();
      out.println("index: " + count(blocks.size()) + " data blocks");
      out.println("  offset\tsize\tseparator");
      for (SSTableReader.BlockInfo block : blocks) {
        out.println(
            "  "
                + block.offset()
                + "\t"
                + block.sizeBytes()
                + "\t"
                + format.format(block.separatorKey()));
      }
    }

    private void printEntries(PrintWriter out, ByteFormat format, SSTableReader table) {
      ValueDisplay values = new ValueDisplay(format, full);
      long max = limit == null ? Long.MAX_VALUE : limit;
      out.println();
      out.println("entries:");
      out.println("  key\tsequence\tkind\tvalue");
      StringBuilder line = new StringBuilder();
      long printed = 0;
      try (InternalIterator it = table.iterator(false)) {
        for (it.seekToFirst(); it.isValid() && printed < max; it.next()) {
          line.setLength(0);
          line.append("  ");
          format.format(it.key(), line);
          line.append('\t').append(it.sequence()).append('\t');
          if (it.kind() == EntryKind.PUT) {
            line.append("put\t");
            values.append(it.value(), line);
          } else {
            line.append("delete");
          }
          line.append('\n');
          out.append(line);
          printed++;
        }
      }
    }

    private static void row(PrintWriter out, String name, String value) {
      out.printf(Locale.ROOT, "%-10s %s%n", name, value);
    }
  }
}
