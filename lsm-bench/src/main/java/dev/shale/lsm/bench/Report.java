package dev.shale.lsm.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The results of a run as tables: one row per workload row, each engine's figures side by side and
 * the ratio of the first engine to the second (Shale / RocksJava). Text for people, CSV for tools.
 */
final class Report {
  private final List<EngineKind> engines;
  private final List<String> rows;
  private final Map<String, Map<EngineKind, Cell>> cells = new LinkedHashMap<>();

  /** One engine's result on one row. */
  record Cell(RunResult run, @Nullable PhaseResult phase) {}

  Report(List<EngineKind> engines, List<String> workloads, List<RunResult> results) {
    this.engines = List.copyOf(engines);
    this.rows = new ArrayList<>();
    for (String w : workloads) {
      rows.addAll(Workloads.rows(w));
    }
    for (RunResult r : results) {
      EngineKind engine = EngineKind.parse(r.engine());
      for (String row : Workloads.rows(r.workload())) {
        PhaseResult phase = null;
        for (PhaseResult p : r.phases()) {
          if (p.row().equals(row)) {
            phase = p;
          }
        }
        cells.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(engine, new Cell(r, phase));
      }
    }
  }

  /** The rows in order. */
  List<String> rows() {
    return rows;
  }

  /** The cell of {@code engine} on {@code row}, or null when it did not run. */
  @Nullable Cell cell(String row, EngineKind engine) {
    Map<EngineKind, Cell> byEngine = cells.get(row);
    return byEngine == null ? null : byEngine.get(engine);
  }

  String text() {
    StringBuilder out = new StringBuilder();
    boolean pair = engines.size() == 2;
    String a = engines.get(0).label();
    String b = pair ? engines.get(1).label() : "";
    out.append(
        String.format(
            Locale.ROOT,
            "%-20s %14s %14s %7s   %-24s %-24s%n",
            "workload",
            a + " ops/s",
            pair ? b + " ops/s" : "",
            pair ? "ratio" : "",
            a + " p50/p99/p99.9 us",
            pair ? b + " p50/p99/p99.9 us" : ""));
    for (String row : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-20s %14s %14s %7s   %-24s %-24s%n",
              row,
              opsText(row, engines.get(0)),
              pair ? opsText(row, engines.get(1)) : "",
              pair
                  ? ratioText(row, c -> c.phase() == null ? Double.NaN : c.phase().opsPerSecond())
                  : "",
              latencyText(row, engines.get(0)),
              pair ? latencyText(row, engines.get(1)) : ""));
    }
    out.append(System.lineSeparator());
    out.append(
        String.format(
            Locale.ROOT,
            "%-20s %-22s %-22s %-26s %-22s%n",
            "workload (per JVM)",
            "write amp " + (pair ? a + "/" + b + " (x)" : a),
            "space amp " + (pair ? "(x)" : ""),
            "peak RSS MiB " + (pair ? "(x)" : ""),
            "live heap MiB"));
    for (String row : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-20s %-22s %-22s %-26s %-22s%n",
              row,
              triple(row, RunResult::writeAmplification, "%.2f"),
              triple(row, RunResult::spaceAmplification, "%.2f"),
              triple(
                  row,
                  r -> r.peakRssBytes() < 0 ? Double.NaN : r.peakRssBytes() / 1048576.0,
                  "%.0f"),
              triple(
                  row,
                  r -> r.liveHeapBytes() < 0 ? Double.NaN : r.liveHeapBytes() / 1048576.0,
                  "%.0f")));
    }
    out.append(System.lineSeparator()).append("notes:").append(System.lineSeparator());
    for (String row : rows) {
      for (EngineKind e : engines) {
        Cell c = cell(row, e);
        if (c == null) {
          continue;
        }
        String note = c.run().ok() ? c.run().notes() : "FAILED: " + c.run().error();
        if (c.phase() != null && c.phase().found() >= 0 && c.phase().row().startsWith("read")) {
          note = "found=" + c.phase().found() + "/" + c.phase().ops() + " " + note;
        }
        out.append(String.format(Locale.ROOT, "  %-20s %-10s %s%n", row, e.label(), note));
      }
    }
    return out.toString();
  }

  private String opsText(String row, EngineKind e) {
    Cell c = cell(row, e);
    if (c == null) {
      return "-";
    }
    if (!c.run().ok() || c.phase() == null) {
      return "FAILED";
    }
    return String.format(Locale.ROOT, "%.0f", c.phase().opsPerSecond());
  }

  private String latencyText(String row, EngineKind e) {
    Cell c = cell(row, e);
    if (c == null || c.phase() == null) {
      return "-";
    }
    PhaseResult p = c.phase();
    return micros(p.p50Nanos()) + "/" + micros(p.p99Nanos()) + "/" + micros(p.p999Nanos());
  }

  private static String micros(long nanos) {
    double us = nanos / 1000.0;
    return us < 10
        ? String.format(Locale.ROOT, "%.1f", us)
        : String.format(Locale.ROOT, "%.0f", us);
  }

  /** The Shale / RocksJava ratio of a row's value, or NaN. */
  double ratio(String row, ToDoubleFunction<Cell> value) {
    if (engines.size() != 2) {
      return Double.NaN;
    }
    Cell a = cell(row, engines.get(0));
    Cell b = cell(row, engines.get(1));
    if (a == null || b == null || !a.run().ok() || !b.run().ok()) {
      return Double.NaN;
    }
    double x = value.applyAsDouble(a);
    double y = value.applyAsDouble(b);
    return y == 0 || Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : x / y;
  }

  private String ratioText(String row, ToDoubleFunction<Cell> value) {
    double r = ratio(row, value);
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
  }

  private String triple(String row, ToDoubleFunction<RunResult> value, String format) {
    StringBuilder s = new StringBuilder();
    for (EngineKind e : engines) {
      Cell c = cell(row, e);
      double v = c == null || !c.run().ok() ? Double.NaN : value.applyAsDouble(c.run());
      s.append(s.length() == 0 ? "" : "/")
          .append(Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v));
    }
    if (engines.size() == 2) {
      s.append(" (").append(ratioText(row, c -> value.applyAsDouble(c.run()))).append(')');
    }
    return s.toString();
  }

  /** One line per row and engine, plus a "ratio" line per row when two engines ran. */
  String csv() {
    StringBuilder out = new StringBuilder();
    out.append(
        "row,engine,ops,seconds,ops_per_sec,p50_us,p99_us,p999_us,max_us,found,user_bytes,"
            + "storage_write_bytes,write_amp,live_bytes,disk_bytes,space_amp,peak_rss_bytes,"
            + "live_heap_bytes,notes,error\n");
    for (String row : rows) {
      for (EngineKind e : engines) {
        Cell c = cell(row, e);
        if (c == null) {
          continue;
        }
        RunResult r = c.run();
        PhaseResult p = c.phase();
        out.append(row).append(',').append(e.label()).append(',');
        if (p == null) {
          out.append(",,,,,,,,");
        } else {
          out.append(p.ops()).append(',');
          out.append(num(p.nanos() / 1e9)).append(',');
          out.append(num(p.opsPerSecond())).append(',');
          out.append(num(p.p50Nanos() / 1e3)).append(',');
          out.append(num(p.p99Nanos() / 1e3)).append(',');
          out.append(num(p.p999Nanos() / 1e3)).append(',');
          out.append(num(p.maxNanos() / 1e3)).append(',');
          out.append(p.found()).append(',');
        }
        out.append(r.userBytes()).append(',');
        out.append(r.storageWriteBytes()).append(',');
        out.append(num(r.writeAmplification())).append(',');
        out.append(r.liveBytes()).append(',');
        out.append(r.diskBytes()).append(',');
        out.append(num(r.spaceAmplification())).append(',');
        out.append(r.peakRssBytes()).append(',');
        out.append(r.liveHeapBytes()).append(',');
        out.append(quote(r.notes())).append(',');
        out.append(quote(r.error())).append('\n');
      }
      if (engines.size() == 2) {
        out.append(row).append(",ratio,,,");
        out.append(num(ratio(row, c -> c.phase() == null ? Double.NaN : c.phase().opsPerSecond())));
        out.append(',').append(num(ratio(row, c -> phaseValue(c, PhaseResult::p50Nanos))));
        out.append(',').append(num(ratio(row, c -> phaseValue(c, PhaseResult::p99Nanos))));
        out.append(',').append(num(ratio(row, c -> phaseValue(c, PhaseResult::p999Nanos))));
        out.append(',').append(num(ratio(row, c -> phaseValue(c, PhaseResult::maxNanos))));
        out.append(",,,,");
        out.append(num(ratio(row, c -> c.run().writeAmplification())));
        out.append(",,,");
        out.append(num(ratio(row, c -> c.run().spaceAmplification())));
        out.append(',').append(num(ratio(row, c -> c.run().peakRssBytes())));
        out.append(',').append(num(ratio(row, c -> c.run().liveHeapBytes())));
        out.append(",,\n");
      }
    }
    return out.toString();
  }

  private static double phaseValue(Cell c, java.util.function.ToLongFunction<PhaseResult> f) {
    return c.phase() == null ? Double.NaN : f.applyAsLong(c.phase());
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
  }

  private static String quote(String s) {
    return s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
