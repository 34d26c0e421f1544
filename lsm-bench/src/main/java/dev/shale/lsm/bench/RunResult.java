package dev.shale.lsm.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What one engine did on one workload in one (child) JVM: its timed phases and the process-wide
 * figures, which cover everything the JVM did for that workload (loading included).
 *
 * @param engine the engine's label
 * @param workload the workload name
 * @param phases the timed phases, one report row each
 * @param userBytes key and value bytes the workload wrote (the denominator of write amplification)
 * @param storageWriteBytes bytes the JVM wrote to storage during the workload and the flush and
 *     compaction it caused (/proc/self/io)
 * @param liveBytes key and value bytes of the live data set at the end
 * @param diskBytes bytes of the Db's files after it was closed
 * @param peakRssBytes peak resident memory of the JVM (VmHWM)
 * @param liveHeapBytes heap in use after a full GC at the end, before closing
 * @param notes engine counters worth keeping
 * @param error why the run failed, or empty
 */
record RunResult(
    String engine,
    String workload,
    List<PhaseResult> phases,
    long userBytes,
    long storageWriteBytes,
    long liveBytes,
    long diskBytes,
    long peakRssBytes,
    long liveHeapBytes,
    String notes,
    String error) {

  RunResult {
    phases = List.copyOf(phases);
  }

  static RunResult failed(String engine, String workload, String error) {
    return new RunResult(engine, workload, List.of(), -1, -1, -1, -1, -1, -1, "", error);
  }

  boolean ok() {
    return error.isEmpty();
  }

  double writeAmplification() {
    return userBytes <= 0 || storageWriteBytes < 0
        ? Double.NaN
        : (double) storageWriteBytes / userBytes;
  }

  double spaceAmplification() {
    return liveBytes <= 0 || diskBytes < 0 ? Double.NaN : (double) diskBytes / liveBytes;
  }

  void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("engine", engine);
    p.setProperty("workload", workload);
    p.setProperty("phases", Integer.toString(phases.size()));
    for (int i = 0; i < phases.size(); i++) {
      phases.get(i).store(p, "phase." + i + ".");
    }
    p.setProperty("userBytes", Long.toString(userBytes));
    p.setProperty("storageWriteBytes", Long.toString(storageWriteBytes));
    p.setProperty("liveBytes", Long.toString(liveBytes));
    p.setProperty("diskBytes", Long.toString(diskBytes));
    p.setProperty("peakRssBytes", Long.toString(peakRssBytes));
    p.setProperty("liveHeapBytes", Long.toString(liveHeapBytes));
    p.setProperty("notes", notes);
    p.setProperty("error", error);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "lsm-bench result");
    }
  }

  static RunResult read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    int count = Integer.parseInt(p.getProperty("phases", "0"));
    List<PhaseResult> phases = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      phases.add(PhaseResult.load(p, "phase." + i + "."));
    }
    return new RunResult(
        p.getProperty("engine", "?"),
        p.getProperty("workload", "?"),
        phases,
        PhaseResult.longOf(p, "userBytes"),
        PhaseResult.longOf(p, "storageWriteBytes"),
        PhaseResult.longOf(p, "liveBytes"),
        PhaseResult.longOf(p, "diskBytes"),
        PhaseResult.longOf(p, "peakRssBytes"),
        PhaseResult.longOf(p, "liveHeapBytes"),
        p.getProperty("notes", ""),
        p.getProperty("error", ""));
  }
}
