package dev.shale.lsm.bench;

/**
 * What a run does, shared by the parent and its child JVMs.
 *
 * @param num keys loaded by the fill workloads (and the size of the read data set)
 * @param reads operations of each read workload
 * @param syncNum writes of each fillsync run, split over its threads
 * @param durationSeconds upper bound on each timed phase, 0 for none
 * @param warmupSeconds untimed run of each read workload's operations before its timed phase, and
 *     of writes into a scratch Db before each unsynced write workload, so both engines' code paths
 *     are compiled (and read caches warm) when the clock starts; 0 for none
 * @param threads reader threads of the read workloads (readwhilewriting adds one writer)
 * @param keySize key bytes
 * @param valueSize value bytes
 * @param batchSize keys per batch in bulkload
 * @param bigdataCacheBytes block cache of the bulk-load-then-read workload, smaller than its data
 * @param seed seed of every random choice, so both engines see the same keys in the same order
 * @param engine settings both engines get
 */
record BenchConfig(
    int num,
    long reads,
    int syncNum,
    double durationSeconds,
    double warmupSeconds,
    int threads,
    int keySize,
    int valueSize,
    int batchSize,
    long bigdataCacheBytes,
    long seed,
    EngineSettings engine) {

  /** The deadline of a timed phase starting now, or 0 for none. */
  long deadlineFrom(long startNanos) {
    return durationSeconds <= 0 ? 0 : startNanos + (long) (durationSeconds * 1e9);
  }

  long entryBytes() {
    return keySize + valueSize;
  }
}
