package dev.shale.lsm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanLoadTest {
  @TempDir Path dir;

  @Test
  void scanPrintsKeyOrderWithinBoundsPrefixAndLimit() {
    write(dir, "c", "3", "a", "1", "bb", "5", "b", "2", "ba", "4", "\u00e9", "6");
    assertEquals("a\t1\nb\t2\nba\t4\nbb\t5\nc\t3\n\u00e9\t6\n", scan());
    assertEquals("b\t2\nba\t4\nbb\t5\n", scan("--from", "b", "--to", "c"));
    assertEquals("ba\t4\nbb\t5\nc\t3\n\u00e9\t6\n", scan("--from", "b\\x00"));
    assertEquals("b\t2\nba\t4\nbb\t5\n", scan("--prefix", "b"));
    assertEquals("a\t1\nb\t2\n", scan("--limit", "2"));
    assertEquals("", scan("--limit", "0"));
    assertEquals("62\t32\n6261\t34\n", scan("--hex", "--from", "62", "--to", "6262"));
  }

  @Test
  void scanStopsWhenStandardOutputFails() {
    String[] entries = new String[2 * 10_000];
    for (int i = 0; i < 10_000; i++) {
      entries[2 * i] = String.format("k%05d", i);
      entries[2 * i + 1] = "v";
    }
    write(dir, entries);
    java.io.StringWriter err = new java.io.StringWriter();
    java.io.OutputStream broken =
        new java.io.OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    int code =
        ShaleCommand.run(
            new java.io.ByteArrayInputStream(new byte[0]),
            new java.io.PrintWriter(broken),
            new java.io.PrintWriter(err, true),
            false,
            false,
            "scan",
            "--db",
            db());
    assertEquals(ExitCode.FAILURE, code, err::toString);
    assertTrue(
        err.toString()
            .startsWith("shale scan: stopped after 4,096 entries: standard output was closed"),
        err::toString);
  }

  @Test
  void aNegativeLimitIsAUsageError() {
    write(dir, "a", "1");
    Cli.Result r = Cli.run("scan", "--db", dir.toString(), "--limit", "-1");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
  }

  @Test
  void loadWritesEveryLineAndSaysSo() {
    Cli.Result r =
        Cli.runWithInput("k1\tv1\nk2\t\r\n\nk\\t3\tv\\n3\nk1\tnewer\n", "load", "--db", db());
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(r.out().startsWith("loaded 4 entries from 5 lines (31 B) in "), r::toString);
    String first = r.out().lines().findFirst().orElseThrow();
    assertTrue(first.endsWith("; synced to disk"), r::toString);
    assertFalse(first.contains("lines/s"), "a rate of a few lines measures the sync: " + r);
    assertTrue(
        r.out().lines().skip(1).findFirst().orElseThrow().startsWith("settled in "), r::toString);
    assertEquals("", r.stderr(), "no progress unless asked or on a terminal");
    assertEquals(Map.of("k1", "newer", "k2", "", "k\t3", "v\n3"), contents(dir));
  }

  @Test
  void loadOfNothingIsFine() {
    Cli.Result r = Cli.runWithInput("", "load", "--db", db());
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(r.out().startsWith("loaded 0 entries from 0 lines"), r::toString);
  }

  @Test
  void aMalformedLineAfterTheFirstBatchStopsTheLoadKeepingWhatCameBefore() {
    StringBuilder input = new StringBuilder();
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < 200; i++) { // 200 lines of 40 bytes: more than one 4 KiB batch
      input.append(String.format("key%03d\t%s%n", i, "v".repeat(32)));
      expected.put(String.format("key%03d", i), "v".repeat(32));
    }
    input.append("no tab\nd\t4\n");
    Cli.Result r = Cli.runWithInput(input.toString(), "load", "--db", db(), "--batch-size", "4k");
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertEquals(
        "shale load: line 201: no TAB between key and value (a line is key<TAB>value); lines 1 to"
            + " 200 were loaded (200 entries, synced to disk), nothing from line 201 on\n",
        r.stderr());
    assertEquals(expected, contents(dir));
  }

  @Test
  void aMalformedLineWithinTheFirstBatchLoadsNothing() {
    Cli.Result r = Cli.runWithInput("a\t1\nb\t2\nno tab\nd\t4\n", "load", "--db", db());
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertEquals(
        "shale load: line 3: no TAB between key and value (a line is key<TAB>value); nothing was"
            + " loaded\n",
        r.stderr());
    assertEquals(Map.of(), contents(dir));
  }

  @Test
  void rawLoadsBackslashesAndTabsInValuesAsTheyAre() {
    String input = "C:\\temp\\new\tpath\nre\t^\\d+$\nt\ta\tb\\n\r\n";
    Cli.Result escaped = Cli.runWithInput(input, "load", "--db", db());
    assertEquals(ExitCode.USAGE, escaped.exitCode(), "\\d is no escape: " + escaped);
    Cli.Result r = Cli.runWithInput(input, "load", "--db", db(), "--raw");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertEquals(Map.of("C:\\temp\\new", "path", "re", "^\\d+$", "t", "a\tb\\n"), contents(dir));
    Cli.Result both = Cli.runWithInput(input, "load", "--db", db(), "--raw", "--hex");
    assertEquals(ExitCode.USAGE, both.exitCode(), both::toString);
  }

  @Test
  void loadLeavesASettledTreeUnlessToldNotToWait() throws IOException {
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 20_000; i++) { // about 2 MiB: some 30 memtables of 64 KiB
      input.append(String.format("key%06d\t%s%n", i, "v".repeat(90)));
    }
    Path settled = dir.resolve("settled");
    Cli.Result r =
        Cli.runWithInput(
            input.toString(),
            "load",
            "--db",
            settled.toString(),
            "--memtable-size",
            "64k",
            "--batch-size",
            "64k");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(r.out().contains("\nsettled in "), r::toString);
    assertTrue(levelZeroFiles(settled) < 4, () -> "level 0 is left to compact: " + r);
    try (Db next =
        Shale.builder(settled)
            .options(DbOptions.builder().memtableBytes(64 << 10).build())
            .open()) {
      ((Engine) next).awaitBackgroundWork();
      assertEquals(0, next.stats().compactions().completed(), "the next open found work left");
    }
    Path unsettled = dir.resolve("unsettled");
    Cli.Result quick =
        Cli.runWithInput(
            input.toString(),
            "load",
            "--db",
            unsettled.toString(),
            "--memtable-size",
            "64k",
            "--batch-size",
            "64k",
            "--no-wait");
    assertEquals(ExitCode.OK, quick.exitCode(), quick::toString);
    assertTrue(quick.out().contains("\nnot settled (--no-wait): "), quick::toString);
    assertEquals(20_000, contents(unsettled).size());
    assertEquals(20_000, contents(settled).size());
  }

  /** Level-0 tables, as manifest dump lists them. */
  private static long levelZeroFiles(Path db) {
    Cli.Result manifest = Cli.run("manifest", "dump", "--db", db.toString());
    assertEquals(ExitCode.OK, manifest.exitCode(), manifest::toString);
    return manifest.out().lines().filter(l -> l.startsWith("  L0\t")).count();
  }

  @Test
  void aMalformedFirstLineLoadsNothing() {
    Cli.Result r = Cli.runWithInput("\tempty key\nb\t2\n", "load", "--db", db());
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(
        r.stderr().contains("line 1, column 1: the key is empty; nothing was loaded"), r::toString);
    assertEquals(Map.of(), contents(dir));
  }

  @Test
  void aBadEscapeNamesLineAndColumn() {
    Cli.Result r = Cli.runWithInput("a\t1\nb\tx\\y\n", "load", "--db", db());
    assertEquals(ExitCode.USAGE, r.exitCode(), r::toString);
    assertTrue(
        r.stderr().startsWith("shale load: line 2, column 4: in the value: unknown escape '\\y'"),
        r::toString);
  }

  @Test
  void loadsInManyBatchesAndShowsProgressWhenAsked() {
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      input.append(String.format("key%05d\tvalue-%d-%s%n", i, i, "x".repeat(i % 50)));
    }
    Cli.Result r =
        Cli.runWithInput(
            input.toString().getBytes(StandardCharsets.UTF_8),
            false,
            "load",
            "--db",
            db(),
            "--batch-size",
            "4k",
            "--progress");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(r.stderr().startsWith("loading: "), r::toString);
    Map<String, String> loaded = contents(dir);
    assertEquals(5000, loaded.size());
    assertEquals("value-4321-" + "x".repeat(4321 % 50), loaded.get("key04321"));
  }

  @Test
  void onATerminalProgressIsErasedBeforeTheSummary() {
    Cli.Result r =
        Cli.runWithInput("a\t1\n".getBytes(StandardCharsets.UTF_8), true, "load", "--db", db());
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    assertTrue(r.stderr().startsWith("\rloading: "), r::toString);
    assertTrue(r.stderr().endsWith("\r"), r::toString);
    Cli.Result quiet =
        Cli.runWithInput(
            "a\t1\n".getBytes(StandardCharsets.UTF_8), true, "load", "--db", db(), "--no-progress");
    assertEquals("", quiet.stderr());
  }

  @Test
  void loadReadsHex() {
    Cli.Result r = Cli.runWithInput("00ff\t\n61\t62\n", "load", "--db", db(), "--hex");
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    try (Db opened = Shale.open(dir)) {
      assertArrayEquals(new byte[0], opened.get(new byte[] {0, (byte) 0xFF}));
      assertArrayEquals(new byte[] {'b'}, opened.get(new byte[] {'a'}));
      assertNull(opened.get(new byte[] {0}));
    }
  }

  @Property(tries = 25)
  void anyBytesRoundTripThroughScanAndLoad(
      @ForAll("entries") List<Tuple2<byte[], byte[]>> entries, @ForAll boolean hex)
      throws IOException {
    Path root = Files.createTempDirectory("shale-scan-load");
    try {
      TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
      WriteBatch batch = new WriteBatch();
      for (Tuple2<byte[], byte[]> e : entries) {
        model.put(e.get1(), e.get2());
        batch.put(e.get1(), e.get2());
      }
      Path source = root.resolve("source");
      Path copy = root.resolve("copy");
      try (Db db = Shale.open(source)) {
        db.write(batch);
      }
      String[] format = hex ? new String[] {"--hex"} : new String[0];
      Cli.Result scanned =
          Cli.run(concat(new String[] {"scan", "--db", source.toString()}, format));
      assertEquals(ExitCode.OK, scanned.exitCode(), scanned::toString);
      Cli.Result loaded =
          Cli.runWithInput(
              scanned.stdout(),
              false,
              concat(new String[] {"load", "--db", copy.toString()}, format));
      assertEquals(ExitCode.OK, loaded.exitCode(), loaded::toString);
      assertEquals(render(model), render(rawContents(copy)), scanned::out);
    } finally {
      Cli.deleteTree(root);
    }
  }

  @Provide
  Arbitrary<List<Tuple2<byte[], byte[]>>> entries() {
    Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(24);
    Arbitrary<byte[]> text =
        Arbitraries.strings().all().ofMaxLength(12).map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> escapes =
        Arbitraries.of("\\", "\\t", "\t", "\n", "\r", "\\x00", "\u0085", "a", "\u00e9")
            .list()
            .ofMaxSize(6)
            .map(l -> String.join("", l).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> bytes = Arbitraries.oneOf(randomBytes, text, escapes);
    return Arbitraries.entries(bytes.filter(b -> b.length > 0), bytes)
        .map(e -> Tuple.of(e.getKey(), e.getValue()))
        .list()
        .ofMaxSize(40);
  }

  private String scan(String... options) {
    Cli.Result r = Cli.run(concat(new String[] {"scan", "--db", db()}, options));
    assertEquals(ExitCode.OK, r.exitCode(), r::toString);
    return r.out();
  }

  private String db() {
    return dir.toString();
  }

  /** Writes alternating keys and values (UTF-8) with the API. */
  static void write(Path db, String... keysAndValues) {
    try (Db opened = Shale.open(db)) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < keysAndValues.length; i += 2) {
        batch.put(utf8(keysAndValues[i]), utf8(keysAndValues[i + 1]));
      }
      opened.write(batch);
    }
  }

  /** Every live entry, read with the API, as UTF-8 strings. */
  static Map<String, String> contents(Path db) {
    Map<String, String> contents = new TreeMap<>();
    rawContents(db)
        .forEach(
            (k, v) ->
                contents.put(
                    new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
    return contents;
  }

  static TreeMap<byte[], byte[]> rawContents(Path db) {
    TreeMap<byte[], byte[]> contents = new TreeMap<>(Arrays::compareUnsigned);
    try (Db opened = Shale.open(db);
        DbIterator it = opened.iterator(ReadOptions.defaults())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        contents.put(it.key(), it.value());
      }
    }
    return contents;
  }

  private static String render(TreeMap<byte[], byte[]> map) {
    StringBuilder s = new StringBuilder();
    map.forEach(
        (k, v) -> s.append(Arrays.toString(k)).append('=').append(Arrays.toString(v)).append('\n'));
    return s.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
