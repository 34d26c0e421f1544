package dev.shale.lsm.spi.objectstore;

import java.util.Map;

/**
 * How an object is written.
 *
 * @param condition what must hold for the put to happen
 * @param metadata user metadata stored with the object (ASCII keys, lower case), returned by {@link
 *     ObjectStore#head}; used to tag conditional puts with a unique put id, so a retried put that
 *     meets "already exists" can tell its own earlier success from another writer's object
 */
public record PutOptions(PutCondition condition, Map<String, String> metadata) {
  public PutOptions {
    metadata = Map.copyOf(metadata);
  }

  /** Unconditional, no metadata. */
  public static PutOptions unconditional() {
    return new PutOptions(PutCondition.none(), Map.of());
  }

  /** Create-only, no metadata. */
  public static PutOptions ifAbsent() {
    return new PutOptions(PutCondition.ifAbsent(), Map.of());
  }
}
