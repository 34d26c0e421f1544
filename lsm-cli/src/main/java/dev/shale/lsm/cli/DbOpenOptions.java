package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;

/**
 * The options of every command that opens a Db: its directory, the parts it is built from (by
 * provider name) and the few settings a user changes from the command line.
 */
@SuppressWarnings("NullAway.Init") // picocli sets the mixins before any method runs
final class DbOpenOptions {
  @Mixin DbDirectoryOption db;
  @Mixin DbPartOptions parts;

  /** The Db directory. */
  Path directory() {
    return db.directory();
  }

  /** The options chosen on the command line over the defaults. */
  DbOptions options() {
    return parts.options();
  }

  /**
   * Opens the Db, creating it when the directory holds none.
   *
   * @throws IllegalArgumentException for a bad option or an unknown provider name (the message
   *     lists the installed ones)
   */
  Db openOrCreate() throws IOException {
    return parts.open(db.directory(), false);
  }

  /** Opens the Db (creating it when the directory holds none) with {@code options}. */
  Db openOrCreate(DbOptions options) throws IOException {
    return parts.open(db.directory(), false, parts.remote(), options);
  }

  /**
   * Opens the Db, which must exist.
   *
   * @throws IllegalArgumentException when there is none, for a bad option or an unknown provider
   */
  Db openExisting() throws IOException {
    if (parts.hasObjectStore()) {
      return parts.open(db.directory(), false); // an empty directory is restored from the store
    }
    return parts.open(db.existing(), true);
  }
}
