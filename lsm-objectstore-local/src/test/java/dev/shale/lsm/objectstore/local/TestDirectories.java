package dev.shale.lsm.objectstore.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fresh directories for stores made outside JUnit's {@code @TempDir} reach (jqwik properties call
 * the suite's factory directly), removed when the test JVM exits.
 */
final class TestDirectories {
  private static final Path BASE = createBase();

  private TestDirectories() {}

  private static Path createBase() {
    try {
      Path base = Files.createTempDirectory("shale-objectstore-test");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(base)));
      return base;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path fresh() {
    return BASE.resolve(UUID.randomUUID().toString());
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
