package dev.shale.lsm.cli;

import dev.shale.lsm.assembly.Shale;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code shale --version} prints: the version, the Java runtime, and the parts installed on
 * the class or module path (so it also shows whether plugins were found).
 */
final class VersionInfo implements IVersionProvider {

  @Override
  public String[] getVersion() {
    List<String> lines = new ArrayList<>();
    lines.add("shale " + version());
    lines.add(
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vendor", "?")
            + "), "
            + System.getProperty("os.name", "?")
            + " "
            + System.getProperty("os.arch", "?"));
    lines.add("installed parts: " + installedParts());
    return lines.toArray(String[]::new);
  }

  /** The version this jar was built as. */
  static String version() {
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "(unknown version)";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "(unknown version)");
    } catch (IOException e) {
      return "(unknown version)";
    }
  }

  private static String installedParts() {
    try {
      List<String> kinds = new ArrayList<>();
      for (var kind : Shale.installedProviders().entrySet()) {
        Set<String> names = kind.getValue();
        kinds.add(kind.getKey() + " " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
      }
      return String.join("; ", kinds);
    } catch (RuntimeException e) { // e.g. two providers with one name
      return "cannot list them: " + e.getMessage();
    }
  }
}
