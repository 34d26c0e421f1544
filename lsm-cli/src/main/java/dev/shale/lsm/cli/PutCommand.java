package dev.shale.lsm.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shale put}: sets one key, fsynced before the command exits. */
@Command(
    name = "put",
    description = {
      "Sets KEY to VALUE, fsynced to disk before exiting.",
      "The write is on disk when the command exits 0. Creates the Db when DIR holds none.",
      "With --server, a running 'shale serve' does the write (and the fsync).",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class PutCommand implements Callable<Integer> {
  @Mixin TargetOptions target;
  @Mixin ByteFormatOption bytes;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key (not empty).")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value (may be empty).")
  String value;

  @Override
  public Integer call() throws IOException {
    byte[] k = bytes.parse("key", key);
    byte[] v = bytes.parse("value", value);
    try (Store store = target.openToWrite(false)) {
      store.put(k, v);
    }
    return ExitCode.OK;
  }
}
