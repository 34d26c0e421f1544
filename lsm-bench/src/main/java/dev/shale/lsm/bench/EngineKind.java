package dev.shale.lsm.bench;

import java.nio.file.Path;
import java.util.Locale;

/** The engines a run compares, by the name the command line and the report use. */
enum EngineKind {
  SHALE("shale"),
  ROCKSJAVA("rocksjava");

  private final String label;

  EngineKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Opens (creating if needed) this engine's Db in {@code directory} with matched settings. */
  BenchDb open(Path directory, EngineSettings settings) {
    return switch (this) {
      case SHALE -> ShaleBenchDb.open(directory, settings);
      case ROCKSJAVA -> RocksJavaBenchDb.open(directory, settings);
    };
  }

  static EngineKind parse(String name) {
    for (EngineKind kind : values()) {
      if (kind.label.equals(name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown engine '" + name + "'; use shale or rocksjava");
  }
}
