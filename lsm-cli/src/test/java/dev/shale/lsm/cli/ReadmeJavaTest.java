package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Java examples compile as written (issue 12 item 12): every {@code ```java} block is a
 * whole compilation unit, imports included, and is compiled with javac against the jars a library
 * user gets (lsm-cli's runtime class path holds lsm-assembly, lsm-api and lsm-server). A block that
 * uses a helper it does not show, lacks an import or names a wrong package fails here.
 */
class ReadmeJavaTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface)\\s+(\\w+)", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void everyJavaBlockOfTheReadmeCompilesAsWritten() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    List<Path> sources = new ArrayList<>();
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      String code = block.group(1);
      Matcher type = TYPE.matcher(code);
      if (!type.find()) {
        fail(
            "README's java block "
                + (sources.size() + 1)
                + " is not a compilation unit; write it as a class with its imports so that it"
                + " compiles as shown:\n"
                + code);
      }
      // Each block in a package of its own, so that two may use one class name.
      String pkg = "block" + (sources.size() + 1);
      Path source = dir.resolve(pkg).resolve(type.group(1) + ".java");
      Files.createDirectories(source.getParent());
      Files.writeString(source, "package " + pkg + "; " + code, StandardCharsets.UTF_8);
      sources.add(source);
    }
    assertTrue(sources.size() >= 3, "README's java blocks were not found: " + sources);

    String classPath =
        Files.readString(Path.of("target", "runtime-classpath.txt"), StandardCharsets.UTF_8)
            .strip();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      boolean compiled =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  List.of(
                      "-classpath",
                      classPath,
                      "-d",
                      dir.resolve("classes").toString(),
                      "-proc:none",
                      "-Xlint:all",
                      "-Werror"),
                  null,
                  units)
              .call();
      assertEquals("", diagnostics.toString(), "javac said something about README's examples");
      assertTrue(compiled, diagnostics::toString);
    }
  }
}
