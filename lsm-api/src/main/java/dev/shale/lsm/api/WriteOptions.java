package dev.shale.lsm.api;

import org.jspecify.annotations.Nullable;

/**
 * How one write is acknowledged. Immutable.
 *
 * @param durability what must survive before the write returns, or {@code null} for the Db's
 *     default ({@link DbOptions#defaultDurability()})
 * @param noSlowdown when the Db is stalled or slowing writers down, fail at once with {@link
 *     WriteStallException} instead of waiting
 */
public record WriteOptions(@Nullable Durability durability, boolean noSlowdown) {

  /** The Db's default durability, waiting through stalls. */
  public static final WriteOptions DEFAULT = new WriteOptions(null, false);

  /** Options with the given durability. */
  public static WriteOptions of(Durability durability) {
    return new WriteOptions(durability, false);
  }

  /** A copy of these options that fails instead of waiting when writes are stalled. */
  public WriteOptions withNoSlowdown() {
    return new WriteOptions(durability, true);
  }

  /** The durability to apply, given the Db's default. */
  public Durability durabilityOr(Durability dbDefault) {
    return durability == null ? dbDefault : durability;
  }
}
