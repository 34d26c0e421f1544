package dev.shale.lsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the harness works end to end on a tiny data set: every workload runs on both engines and
 * the report has every row. Asserts no timing, only that each engine produced a sane result.
 */
class DbBenchSmokeTest {
  private static final List<String> ENGINES = List.of("shale", "rocksjava");

  @TempDir Path dir;

  @Test
  void everyWorkloadRunsOnBothEnginesAndEveryRowIsReported() throws Exception {
    Path csv = dir.resolve("results.csv");
    String output =
        run(
            "--no-fork",
            "--num",
            "3000",
            "--reads",
            "600",
            "--sync-num",
            "48",
            "--memtable-mb",
            "1",
            "--cache-mb",
            "8",
            "--bigdata-cache-mb",
            "1",
            "--batch-size",
            "100",
            "--skip-machine",
            "--db",
            dir.resolve("db").toString(),
            "--csv",
            csv.toString());
    Map<String, Map<String, String[]>> rows = csvRows(csv);
    List<String> expected = new ArrayList<>();
    for (String w : Workloads.ALL) {
      expected.addAll(Workloads.rows(w));
    }
    assertEquals(expected, new ArrayList<>(rows.keySet()), output);
    for (String row : expected) {
      for (String engine : ENGINES) {
        String[] line = rows.get(row).get(engine);
        assertTrue(line != null, row + " has no " + engine + " line\n" + output);
        assertEquals("", line[19], row + " failed on " + engine + "\n" + output);
        assertTrue(Long.parseLong(line[2]) > 0, row + " on " + engine + " did no operations");
      }
      assertTrue(rows.get(row).containsKey("ratio"), row + " has no ratio line");
    }
    // Reads of present keys find them all, reads of missing keys find none, on both engines.
    for (String engine : ENGINES) {
      String[] read = rows.get("readrandom").get(engine);
      assertEquals(read[2], read[9], "readrandom on " + engine + " missed keys");
      assertEquals("0", rows.get("readmissing").get(engine)[9], "readmissing found keys");
      String[] big = rows.get("readrandom-bigdata").get(engine);
      assertEquals(big[2], big[9], "readrandom-bigdata on " + engine + " missed keys");
    }
    assertTrue(output.contains("readwhilewriting"), output);
  }

  @Test
  void childJvmsReportProcessFiguresPerEngine() throws Exception {
    Path csv = dir.resolve("forked.csv");
    String output =
        run(
            "--workloads", "fillrandom,readrandom",
            "--num", "2000",
            "--reads", "500",
            "--memtable-mb", "1",
            "--cache-mb", "8",
            "--jvm-flags", "-Xmx256m -XX:TieredStopAtLevel=1 -Xshare:auto",
            "--fsync-samples", "20",
            "--seq-write-mb", "4",
            "--db", dir.resolve("forked").toString(),
            "--csv", csv.toString());
    assertTrue(output.contains("machine bounds: fsync"), output);
    Map<String, Map<String, String[]>> rows = csvRows(csv);
    for (String row : List.of("fillrandom", "readrandom")) {
      for (String engine : ENGINES) {
        String[] line = rows.get(row).get(engine);
        assertEquals("", line[19], row + " failed on " + engine + "\n" + output);
        assertTrue(Long.parseLong(line[16]) > 0, "no peak RSS for " + engine);
        assertTrue(Long.parseLong(line[14]) > 0, "no disk bytes for " + engine);
      }
    }
    assertTrue(Long.parseLong(rows.get("fillrandom").get("shale")[11]) > 0, "no bytes written");
    assertFalse(Files.exists(dir.resolve("forked")), "the Dbs are deleted after the run");
  }

  private static String run(String... args) {
    StringWriter text = new StringWriter();
    int status;
    try (PrintWriter out = new PrintWriter(text)) {
      status = DbBench.run(args, out);
    }
    assertEquals(0, status, text.toString());
    return text.toString();
  }

  /** row -> engine (or "ratio") -> CSV fields. */
  private static Map<String, Map<String, String[]>> csvRows(Path csv) throws Exception {
    Map<String, Map<String, String[]>> rows = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = splitCsv(line);
      rows.computeIfAbsent(fields[0], k -> new LinkedHashMap<>()).put(fields[1], fields);
    }
    return rows;
  }

  private static String[] splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields.toArray(new String[0]);
  }
}
