package dev.shale.lsm.api;

/**
 * Tuning of one Db: sizes, limits, recovery and compaction settings. Immutable; build with {@link
 * #builder()}. The defaults follow RocksDB's where the two engines share a notion, so a RocksDB
 * user's expectations carry over.
 *
 * <p>Which parts (memtable, WAL, SSTable format, cache, compaction strategy, object store) a Db is
 * built from is chosen when it is assembled, not here.
 */
public final class DbOptions {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  private final long memtableBytes;
  private final int maxImmutableMemtables;
  private final long walSegmentBytes;
  private final WalRecoveryMode walRecoveryMode;
  private final Durability defaultDurability;
  private final long stallTimeoutMillis;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final int maxBatchBytes;
  private final int blockBytes;
  private final int blockRestartInterval;
  private final int bloomBitsPerKey;
  private final String compression;
  private final long blockCacheBytes;
  private final long targetFileBytes;
  private final int numLevels;
  private final int level0CompactionTrigger;
  private final int level0SlowdownTrigger;
  private final int level0StopTrigger;
  private final long maxBytesForLevelBase;
  private final double levelMultiplier;
  private final boolean dynamicLevelBytes;
  private final int maxSizeAmplificationPercent;
  private final int sizeRatioPercent;
  private final int compactionThreads;
  private final long softPendingCompactionBytes;
  private final long hardPendingCompactionBytes;

  private DbOptions(Builder b) {
    this.memtableBytes = b.memtableBytes;
    this.maxImmutableMemtables = b.maxImmutableMemtables;
    this.walSegmentBytes = b.walSegmentBytes;
    this.walRecoveryMode = b.walRecoveryMode;
    this.defaultDurability = b.defaultDurability;
    this.stallTimeoutMillis = b.stallTimeoutMillis;
    this.maxKeyBytes = b.maxKeyBytes;
    this.maxValueBytes = b.maxValueBytes;
    this.maxBatchBytes = b.maxBatchBytes;
    this.blockBytes = b.blockBytes;
    this.blockRestartInterval = b.blockRestartInterval;
    this.bloomBitsPerKey = b.bloomBitsPerKey;
    this.compression = b.compression;
    this.blockCacheBytes = b.blockCacheBytes;
    this.targetFileBytes = b.targetFileBytes;
    this.numLevels = b.numLevels;
    this.level0CompactionTrigger = b.level0CompactionTrigger;
    this.level0SlowdownTrigger = b.level0SlowdownTrigger;
    this.level0StopTrigger = b.level0StopTrigger;
    this.maxBytesForLevelBase = b.maxBytesForLevelBase;
    this.levelMultiplier = b.levelMultiplier;
    this.dynamicLevelBytes = b.dynamicLevelBytes;
    this.maxSizeAmplificationPercent = b.maxSizeAmplificationPercent;
    this.sizeRatioPercent = b.sizeRatioPercent;
    this.compactionThreads = b.compactionThreads;
    this.softPendingCompactionBytes = b.softPendingCompactionBytes;
    this.hardPendingCompactionBytes = b.hardPendingCompactionBytes;
  }

  /** The defaults. */
  public static DbOptions defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Size at which the active memtable becomes immutable and is flushed (default 64 MiB). */
  public long memtableBytes() {
    return memtableBytes;
  }

  /**
   * Immutable memtables waiting for flush at which writers stop until a flush finishes (default 4);
   * one fewer slows writers down.
   */
  public int maxImmutableMemtables() {
    return maxImmutableMemtables;
  }

  /** Size at which a write-ahead log segment is closed and a new one started (default 64 MiB). */
  public long walSegmentBytes() {
    return walSegmentBytes;
  }

  /**
   * What opening does with a damaged log (default {@link WalRecoveryMode#TOLERATE_CORRUPTED_TAIL}).
   */
  public WalRecoveryMode walRecoveryMode() {
    return walRecoveryMode;
  }

  /**
   * Durability of writes that do not choose one. The default is {@link Durability#LOCAL}: a write
   * is fsynced before it returns, and group commit shares one fsync among concurrent writers.
   * {@link Durability#MEMORY} (RocksDB's default, {@code sync=false}) survives a process crash but
   * not a power loss.
   */
  public Durability defaultDurability() {
    return defaultDurability;
  }

  /**
   * How long a stalled writer waits before failing with {@link WriteStallException} (default 60 s;
   * 0 waits forever).
   */
  public long stallTimeoutMillis() {
    return stallTimeoutMillis;
  }

  /** Longest key accepted (default 64 KiB). */
  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /** Longest value accepted (default 64 MiB). */
  public int maxValueBytes() {
    return maxValueBytes;
  }

  /** Largest batch accepted, in encoded bytes (default 256 MiB). */
  public int maxBatchBytes() {
    return maxBatchBytes;
  }

  /** Target uncompressed size of an SSTable data block (default 4 KiB). */
  public int blockBytes() {
    return blockBytes;
  }

  /** Keys between restart points in a data block (default 16). */
  public int blockRestartInterval() {
    return blockRestartInterval;
  }

  /** Bloom filter bits per key; 10 gives about 1% false positives, 0 disables (default 10). */
  public int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  /** Block compression codec name of the SSTable format, e.g. "lz4" or "none" (default "lz4"). */
  public String compression() {
    return compression;
  }

  /** Capacity of the block cache in bytes (default 32 MiB). */
  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  /** Size at which flush and compaction outputs are split into a new file (default 64 MiB). */
  public long targetFileBytes() {
    return targetFileBytes;
  }

  /** Number of levels, L0 included (default 7). */
  public int numLevels() {
    return numLevels;
  }

  /** Level-0 files (or sorted runs, for tiered) that trigger a compaction (default 4). */
  public int level0CompactionTrigger() {
    return level0CompactionTrigger;
  }

  /** Level-0 files at which writers are slowed down (default 20). */
  public int level0SlowdownTrigger() {
    return level0SlowdownTrigger;
  }

  /** Level-0 files at which writers stop until compaction catches up (default 36). */
  public int level0StopTrigger() {
    return level0StopTrigger;
  }

  /** Target size of level 1 under leveled compaction (default 256 MiB). */
  public long maxBytesForLevelBase() {
    return maxBytesForLevelBase;
  }

  /** Growth factor between level targets (default 10). */
  public double levelMultiplier() {
    return levelMultiplier;
  }

  /** Size levels from the bottom up so space amplification stays bounded (default true). */
  public boolean dynamicLevelBytes() {
    return dynamicLevelBytes;
  }

  /**
   * Tiered compaction: space amplification, in percent, that triggers a full merge (default 200).
   */
  public int maxSizeAmplificationPercent() {
    return maxSizeAmplificationPercent;
  }

  /**
   * Tiered compaction: how much bigger, in percent, a run may be and still count as similar
   * (default 1).
   */
  public int sizeRatioPercent() {
    return sizeRatioPercent;
  }

  /** Background compaction threads (default 2). */
  public int compactionThreads() {
    return compactionThreads;
  }

  /** Pending compaction bytes at which writers are slowed down (default 64 GiB). */
  public long softPendingCompactionBytes() {
    return softPendingCompactionBytes;
  }

  /** Pending compaction bytes at which writers stop (default 256 GiB). */
  public long hardPendingCompactionBytes() {
    return hardPendingCompactionBytes;
  }

  @Override
  public String toString() {
    return "DbOptions{memtableBytes="
        + memtableBytes
        + ", maxImmutableMemtables="
        + maxImmutableMemtables
        + ", walSegmentBytes="
        + walSegmentBytes
        + ", walRecoveryMode="
        + walRecoveryMode
        + ", defaultDurability="
        + defaultDurability
        + ", maxKeyBytes="
        + maxKeyBytes
        + ", maxValueBytes="
        + maxValueBytes
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", blockBytes="
        + blockBytes
        + ", bloomBitsPerKey="
        + bloomBitsPerKey
        + ", compression="
        + compression
        + ", blockCacheBytes="
        + blockCacheBytes
        + ", targetFileBytes="
        + targetFileBytes
        + ", numLevels="
        + numLevels
        + ", compactionThreads="
        + compactionThreads
        + "}";
  }

  /** Builds {@link DbOptions}; every setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private long memtableBytes = 64 * MIB;
    private int maxImmutableMemtables = 4;
    private long walSegmentBytes = 64 * MIB;
    private WalRecoveryMode walRecoveryMode = WalRecoveryMode.TOLERATE_CORRUPTED_TAIL;
    private Durability defaultDurability = Durability.LOCAL;
    private long stallTimeoutMillis = 60_000;
    private int maxKeyBytes = (int) (64 * KIB);
    private int maxValueBytes = (int) (64 * MIB);
    private int maxBatchBytes = (int) (256 * MIB);
    private int blockBytes = (int) (4 * KIB);
    private int blockRestartInterval = 16;
    private int bloomBitsPerKey = 10;
    private String compression = "lz4";
    private long blockCacheBytes = 32 * MIB;
    private long targetFileBytes = 64 * MIB;
    private int numLevels = 7;
    private int level0CompactionTrigger = 4;
    private int level0SlowdownTrigger = 20;
    private int level0StopTrigger = 36;
    private long maxBytesForLevelBase = 256 * MIB;
    private double levelMultiplier = 10;
    private boolean dynamicLevelBytes = true;
    private int maxSizeAmplificationPercent = 200;
    private int sizeRatioPercent = 1;
    private int compactionThreads = 2;
    private long softPendingCompactionBytes = 64 * GIB;
    private long hardPendingCompactionBytes = 256 * GIB;

    private Builder() {}

    private Builder(DbOptions o) {
      memtableBytes = o.memtableBytes;
      maxImmutableMemtables = o.maxImmutableMemtables;
      walSegmentBytes = o.walSegmentBytes;
      walRecoveryMode = o.walRecoveryMode;
      defaultDurability = o.defaultDurability;
      stallTimeoutMillis = o.stallTimeoutMillis;
      maxKeyBytes = o.maxKeyBytes;
      maxValueBytes = o.maxValueBytes;
      maxBatchBytes = o.maxBatchBytes;
      blockBytes = o.blockBytes;
      blockRestartInterval = o.blockRestartInterval;
      bloomBitsPerKey = o.bloomBitsPerKey;
      compression = o.compression;
      blockCacheBytes = o.blockCacheBytes;
      targetFileBytes = o.targetFileBytes;
      numLevels = o.numLevels;
      level0CompactionTrigger = o.level0CompactionTrigger;
      level0SlowdownTrigger = o.level0SlowdownTrigger;
      level0StopTrigger = o.level0StopTrigger;
      maxBytesForLevelBase = o.maxBytesForLevelBase;
      levelMultiplier = o.levelMultiplier;
      dynamicLevelBytes = o.dynamicLevelBytes;
      maxSizeAmplificationPercent = o.maxSizeAmplificationPercent;
      sizeRatioPercent = o.sizeRatioPercent;
      compactionThreads = o.compactionThreads;
      softPendingCompactionBytes = o.softPendingCompactionBytes;
      hardPendingCompactionBytes = o.hardPendingCompactionBytes;
    }

    public Builder memtableBytes(long bytes) {
      this.memtableBytes = atLeast("memtableBytes", bytes, 4 * KIB);
      return this;
    }

    public Builder maxImmutableMemtables(int count) {
      this.maxImmutableMemtables = (int) atLeast("maxImmutableMemtables", count, 1);
      return this;
    }

    public Builder walSegmentBytes(long bytes) {
      this.walSegmentBytes = atLeast("walSegmentBytes", bytes, 4 * KIB);
      return this;
    }

    public Builder walRecoveryMode(WalRecoveryMode mode) {
      this.walRecoveryMode = notNull("walRecoveryMode", mode);
      return this;
    }

    public Builder defaultDurability(Durability durability) {
      this.defaultDurability = notNull("defaultDurability", durability);
      return this;
    }

    public Builder stallTimeoutMillis(long millis) {
      this.stallTimeoutMillis = atLeast("stallTimeoutMillis", millis, 0);
      return this;
    }

    public Builder maxKeyBytes(int bytes) {
      this.maxKeyBytes = (int) atLeast("maxKeyBytes", bytes, 1);
      return this;
    }

    public Builder maxValueBytes(int bytes) {
      this.maxValueBytes = (int) atLeast("maxValueBytes", bytes, 0);
      return this;
    }

    public Builder maxBatchBytes(int bytes) {
      this.maxBatchBytes = (int) atLeast("maxBatchBytes", bytes, 1);
      return this;
    }

    public Builder blockBytes(int bytes) {
      this.blockBytes = (int) atLeast("blockBytes", bytes, 256);
      return this;
    }

    public Builder blockRestartInterval(int keys) {
      this.blockRestartInterval = (int) atLeast("blockRestartInterval", keys, 1);
      return this;
    }

    public Builder bloomBitsPerKey(int bits) {
      this.bloomBitsPerKey = (int) atLeast("bloomBitsPerKey", bits, 0);
      return this;
    }

    public Builder compression(String codec) {
      this.compression = notNull("compression", codec);
      return this;
    }

    public Builder blockCacheBytes(long bytes) {
      this.blockCacheBytes = atLeast("blockCacheBytes", bytes, 0);
      return this;
    }

    public Builder targetFileBytes(long bytes) {
      this.targetFileBytes = atLeast("targetFileBytes", bytes, 4 * KIB);
      return this;
    }

    public Builder numLevels(int levels) {
      this.numLevels = (int) atLeast("numLevels", levels, 2);
      return this;
    }

    public Builder level0CompactionTrigger(int files) {
      this.level0CompactionTrigger = (int) atLeast("level0CompactionTrigger", files, 1);
      return this;
    }

    public Builder level0SlowdownTrigger(int files) {
      this.level0SlowdownTrigger = (int) atLeast("level0SlowdownTrigger", files, 1);
      return this;
    }

    public Builder level0StopTrigger(int files) {
      this.level0StopTrigger = (int) atLeast("level0StopTrigger", files, 1);
      return this;
    }

    public Builder maxBytesForLevelBase(long bytes) {
      this.maxBytesForLevelBase = atLeast("maxBytesForLevelBase", bytes, 4 * KIB);
      return this;
    }

    public Builder levelMultiplier(double multiplier) {
      if (!(multiplier >= 2)) {
        throw new IllegalArgumentException("levelMultiplier must be at least 2, was " + multiplier);
      }
      this.levelMultiplier = multiplier;
      return this;
    }

    public Builder dynamicLevelBytes(boolean dynamic) {
      this.dynamicLevelBytes = dynamic;
      return this;
    }

    public Builder maxSizeAmplificationPercent(int percent) {
      this.maxSizeAmplificationPercent = (int) atLeast("maxSizeAmplificationPercent", percent, 1);
      return this;
    }

    public Builder sizeRatioPercent(int percent) {
      this.sizeRatioPercent = (int) atLeast("sizeRatioPercent", percent, 0);
      return this;
    }

    public Builder compactionThreads(int threads) {
      this.compactionThreads = (int) atLeast("compactionThreads", threads, 1);
      return this;
    }

    public Builder softPendingCompactionBytes(long bytes) {
      this.softPendingCompactionBytes = atLeast("softPendingCompactionBytes", bytes, 1);
      return this;
    }

    public Builder hardPendingCompactionBytes(long bytes) {
      this.hardPendingCompactionBytes = atLeast("hardPendingCompactionBytes", bytes, 1);
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException when settings contradict each other (e.g. the L0 stop
     *     trigger below the slowdown trigger)
     */
    public DbOptions build() {
      if (level0SlowdownTrigger > level0StopTrigger) {
        throw new IllegalArgumentException(
            "level0SlowdownTrigger ("
                + level0SlowdownTrigger
                + ") must not exceed level0StopTrigger ("
                + level0StopTrigger
                + ")");
      }
      if (softPendingCompactionBytes > hardPendingCompactionBytes) {
        throw new IllegalArgumentException(
            "softPendingCompactionBytes must not exceed hardPendingCompactionBytes");
      }
      if (maxKeyBytes > maxBatchBytes || maxBatchBytes > WriteBatch.MAX_ENCODED_BYTES) {
        throw new IllegalArgumentException(
            "limits must satisfy maxKeyBytes <= maxBatchBytes <= " + WriteBatch.MAX_ENCODED_BYTES);
      }
      return new DbOptions(this);
    }

    private static long atLeast(String name, long value, long min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
      }
      return value;
    }

    private static <T> T notNull(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }
  }
}
