package dev.shale.lsm.cli;

import static dev.shale.lsm.cli.text.Units.bytes;
import static dev.shale.lsm.cli.text.Units.count;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.assembly.ObjectStores;
import dev.shale.lsm.assembly.ShaleTools;
import dev.shale.lsm.cli.text.Units;
import dev.shale.lsm.engine.DbInspector;
import dev.shale.lsm.engine.RemoteConfig;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shale restore}: rebuilds a Db in an empty directory from its object store. */
@Command(
    name = "restore",
    description = {
      "Restores a Db from an object store into an empty directory.",
      "Downloads the tables of the newest manifest (with progress on standard error), replays the"
          + " write-ahead log objects after it, and claims the next writer epoch: this directory"
          + " becomes the primary and any other primary of the store is fenced. Afterwards open it"
          + " with --object-store URI to keep shipping, or without to use it locally. A store that"
          + " holds no Db (no manifest object, or a file:// directory that does not exist) is an"
          + " error (exit 3), and nothing is created there.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DbOpenOptions db;
  @Mixin ProgressOption progressOption;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "URI",
      description = "The object store to restore from: file:///path or s3://bucket/prefix?...")
  String from;

  @Override
  public Integer call() throws IOException {
    if (db.parts.hasObjectStore()) {
      throw new IllegalArgumentException("restore takes the store as --from, not --object-store");
    }
    Path directory = db.directory();
    if (Files.isDirectory(directory)) {
      try (Stream<Path> entries = Files.list(directory)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              directory + " is not empty: restore into an empty or new directory");
        }
      }
    }
    long started = System.nanoTime();
    long[] downloaded = {0};
    DbStats stats;
    DbInspector.RemoteDb found;
    try (ProgressLine progress = progressOption.open(spec)) {
      ObjectStore store = openHoldingADb();
      try {
        found = ShaleTools.remoteDb(store);
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
      if (found == null) {
        store.close();
        throw new IOException(
            "no Shale Db in "
                + from
                + ": found no manifest object (manifest/<id>) there. restore reads what a Db"
                + " opened with --object-store "
                + from
                + " shipped: check the URI (for s3://, the bucket, prefix and region)");
      }
      RemoteConfig remote =
          RemoteConfig.of(store, store)
              .withOwnedStores()
              .withRestoreProgress(
                  done -> {
                    downloaded[0] = done;
                    if (progress.due()) {
                      progress.show(
                          "restoring: "
                              + bytes(done)
                              + " of tables downloaded, "
                              + Units.duration(System.nanoTime() - started));
                    }
                  });
      try (Db opened = db.parts.open(directory, false, remote)) {
        stats = opened.stats();
      }
    }
    long logged = Math.max(0, stats.lastSequence() - found.lastSequence());
    int built = Math.max(0, stats.totalFiles() - found.tables());
    spec.commandLine()
        .getOut()
        .println(
            "restored "
                + directory
                + " from "
                + from
                + " in "
                + Units.duration(System.nanoTime() - started)
                + ": "
                + count(found.tables(), "table", "tables")
                + " downloaded ("
                + bytes(downloaded[0])
                + ")"
                + (logged == 0
                    ? ""
                    : ", "
                        + count(logged, "write", "writes")
                        + " replayed from the log objects after them"
                        + (built == 0 ? "" : " into " + count(built, "new table", "new tables")))
                + "; last sequence "
                + stats.lastSequence()
                + ", writer epoch "
                + stats.shipping().writerEpoch());
    return ExitCode.OK;
  }

  /**
   * Opens the store of --from. A file:// store would create its directory when it is missing, so a
   * mistyped path is refused before the store is opened.
   */
  private ObjectStore openHoldingADb() throws IOException {
    URI uri;
    try {
      uri = new URI(from);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed --from URI '" + from + "': " + e.getMessage());
    }
    if ("file".equals(uri.getScheme()) && !Files.isDirectory(Path.of(uri))) {
      throw new IOException(
          "no Shale Db in "
              + from
              + ": the directory "
              + Path.of(uri)
              + " does not exist. restore reads what a Db opened with --object-store URI shipped"
              + " there: check the path");
    }
    return ObjectStores.open(from, Map.of());
  }
}
