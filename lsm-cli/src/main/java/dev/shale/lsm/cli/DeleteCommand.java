package dev.shale.lsm.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shale delete}: deletes one key, fsynced before the command exits. */
@Command(
    name = "delete",
    description = {
      "Deletes KEY, fsynced to disk before exiting.",
      "Deleting an absent key is fine. The delete is on disk when the command exits 0.",
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class DeleteCommand implements Callable<Integer> {
  @Mixin TargetOptions target;
  @Mixin ByteFormatOption bytes;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  public Integer call() throws IOException {
    byte[] k = bytes.parse("key", key);
    try (Store store = target.openToWrite(true)) {
      store.delete(k);
    }
    return ExitCode.OK;
  }
}
