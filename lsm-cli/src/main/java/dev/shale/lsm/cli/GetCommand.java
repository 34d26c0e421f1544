package dev.shale.lsm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shale get}: prints one value. */
@Command(
    name = "get",
    description = {
      "Prints the value of KEY; exits 1 when it is absent.",
      "The value is escaped like scan output (or hex with --hex). When the key is absent,"
          + " nothing is printed on standard output and the exit code is 1.",
      HelpTexts.READ_ONLY,
      ""
    })
@SuppressWarnings("NullAway.Init") // picocli sets the fields before call()
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TargetOptions target;
  @Mixin ByteFormatOption bytes;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  public Integer call() throws IOException {
    byte[] k = bytes.parse("key", key);
    byte[] value;
    try (Store store = target.openToRead(spec.qualifiedName())) {
      value = store.get(k);
    }
    if (value == null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.qualifiedName() + ": no such key: " + bytes.format(k));
      return ExitCode.ABSENT;
    }
    spec.commandLine().getOut().print(bytes.format(value) + "\n");
    return ExitCode.OK;
  }
}
