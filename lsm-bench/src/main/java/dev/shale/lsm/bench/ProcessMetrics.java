package dev.shale.lsm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel and the JVM say about this process: bytes written to storage ({@code
 * /proc/self/io}), peak resident memory ({@code VmHWM}) and heap use. Linux only; elsewhere the
 * /proc figures read as -1.
 */
final class ProcessMetrics {
  private ProcessMetrics() {}

  /**
   * Bytes this process caused to be written to storage: {@code write_bytes} of {@code
   * /proc/self/io}, counted when pages are dirtied, so it does not depend on writeback having
   * happened. Falls back to {@code wchar} (bytes handed to write calls) where the file system does
   * not account block I/O (write_bytes stays 0), and -1 without /proc.
   */
  static long storageWriteBytes() {
    long writeBytes = ioField("write_bytes");
    if (writeBytes > 0) {
      return writeBytes;
    }
    long wchar = ioField("wchar");
    return wchar >= 0 ? wchar : writeBytes;
  }

  /** Peak resident set size in bytes ({@code VmHWM}), or -1. */
  static long peakRssBytes() {
    return statusKib("VmHWM:") * 1024;
  }

  /** Resident set size now in bytes ({@code VmRSS}), or -1. */
  static long rssBytes() {
    return statusKib("VmRSS:") * 1024;
  }

  /** Heap in use after a full collection: the live heap the engine holds. */
  @SuppressWarnings("SystemGc") // measured on purpose, after the timed phase
  static long liveHeapBytes() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Heap committed now. */
  static long heapCommittedBytes() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  /** Bytes of regular files under {@code directory}, 0 when it is missing. */
  static long directoryBytes(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // deleted while walking
                }
              })
          .sum();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long ioField(String name) {
    return field(Path.of("/proc/self/io"), name + ":");
  }

  private static long statusKib(String name) {
    return field(Path.of("/proc/self/status"), name);
  }

  private static long field(Path file, String prefix) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.startsWith(prefix)) {
          String rest = line.substring(prefix.length()).trim();
          int space = rest.indexOf(' ');
          return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
