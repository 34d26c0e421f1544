package dev.shale.lsm.api.event;

/**
 * Told what a Db does as it works, with the figures: flushes and compactions completed, tables
 * deleted, manifests written, write stalls beginning and ending, commit groups, background errors.
 * Every method has an empty default; implement the ones you need.
 *
 * <p><b>Contract.</b> Methods are called on the Db's own threads (its commit leader, flush and
 * compaction threads, its object-store threads), possibly at the same time, so an implementation
 * must be thread-safe. They must return quickly and must not block: the commit leader waits for
 * {@link #onCommitGroup} and {@link #onWriteStall}, and every writer waits for it. They must not
 * write to the Db they listen to (that can deadlock its commit path); reading is allowed. An
 * exception a method throws is caught and logged by the Db, which goes on, but it is a bug in the
 * listener: the conformance suite {@code DbListenerConformanceTest} in {@code lsm-tck} checks a
 * listener against this contract. Events carry no byte arrays the listener may keep.
 */
public interface DbListener {
  /** A memtable was written to level 0 (or was empty) and the manifest records it. */
  default void onFlushCompleted(FlushEvent event) {}

  /** A compaction (a merge, a move or a drop) was installed. */
  default void onCompactionCompleted(CompactionEvent event) {}

  /** A table no version lists any more was deleted from disk. */
  default void onTableDeleted(TableDeletedEvent event) {}

  /** A manifest record (local) or a manifest object (in the object store) was written. */
  default void onManifestWritten(ManifestWrittenEvent event) {}

  /** Writes were slowed down or stopped, or went back to normal. */
  default void onWriteStall(WriteStallEvent event) {}

  /** The commit leader logged and applied one group of writes. */
  default void onCommitGroup(CommitGroupEvent event) {}

  /** A background error turned the Db read-only (or was recovered from). */
  default void onBackgroundError(BackgroundErrorEvent event) {}
}
