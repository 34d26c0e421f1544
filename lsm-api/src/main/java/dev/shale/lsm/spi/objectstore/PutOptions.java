package dev.shale.lsm.spi.objectstore;

import java.util.Map;

/**
 * How an object is written.
 *
 * <p>Ambiguous puts: when a store retries a conditional put internally (after a timeout or a
 * dropped connection the first attempt may have been applied) and the retry fails its condition,
 * the store reads the object's {@link #PUT_ID} metadata: if it equals this put's, the put succeeded
 * and the store returns normally; otherwise it throws {@link PreconditionFailedException}. Writers
 * that fence (the engine) therefore tag every conditional put with a unique put id.
 *
 * @param condition what must hold for the put to happen
 * @param metadata user metadata stored with the object (lower-case ASCII keys and values), returned
 *     by {@link ObjectStore#head}
 */
public record PutOptions(PutCondition condition, Map<String, String> metadata) {
  /** The metadata key holding a conditional put's unique id. */
  public static final String PUT_ID = "put-id";

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

  /** Create-only, tagged with {@code putId} so an ambiguous retry resolves correctly. */
  public static PutOptions ifAbsent(String putId) {
    return new PutOptions(PutCondition.ifAbsent(), Map.of(PUT_ID, putId));
  }
}
