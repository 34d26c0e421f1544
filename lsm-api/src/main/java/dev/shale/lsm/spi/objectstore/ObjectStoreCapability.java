package dev.shale.lsm.spi.objectstore;

/** A property an {@link ObjectStore} may declare. Undeclared means unsupported. */
public enum ObjectStoreCapability {
  /**
   * {@link PutCondition#ifAbsent()} is atomic: of concurrent puts of one key, exactly one wins.
   * Without it such puts fail with {@link UnsupportedOperationException}.
   */
  PUT_IF_ABSENT,
  /**
   * {@link PutCondition#ifMatch(String)} is atomic. Without it such puts fail with {@link
   * UnsupportedOperationException}.
   */
  PUT_IF_MATCH,
  /** {@link ObjectStore#list} returns keys in lexicographic order. */
  SORTED_LISTING,
  /**
   * {@link ObjectStore#list} honours {@code startAfter}; without it the argument is ignored.
   * Requires {@link #SORTED_LISTING} (declaring it alone is contradictory: pages cannot continue
   * after a key of an unsorted listing).
   */
  LIST_START_AFTER
}
