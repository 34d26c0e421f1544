package dev.shale.lsm.tck.sstable;

/**
 * A generated table for the properties of {@link SSTableFormatConformanceTest}: its entries and
 * layout options. Opaque outside this package; {@link #toString()} shows everything for a failure
 * report.
 */
public final class TableSpec {
  private final TableModel model;
  private final int blockBytes;
  private final int restartInterval;
  private final int bloomBitsPerKey;
  private final String codec;

  TableSpec(
      TableModel model, int blockBytes, int restartInterval, int bloomBitsPerKey, String codec) {
    this.model = model;
    this.blockBytes = blockBytes;
    this.restartInterval = restartInterval;
    this.bloomBitsPerKey = bloomBitsPerKey;
    this.codec = codec;
  }

  TableModel model() {
    return model;
  }

  int blockBytes() {
    return blockBytes;
  }

  int restartInterval() {
    return restartInterval;
  }

  int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  String codec() {
    return codec;
  }

  @Override
  public String toString() {
    return model.size()
        + " entries, blockBytes="
        + blockBytes
        + ", restartInterval="
        + restartInterval
        + ", bloomBitsPerKey="
        + bloomBitsPerKey
        + ", codec="
        + codec
        + ", entries="
        + model.entries();
  }
}
