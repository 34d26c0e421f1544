package dev.shale.lsm.spi.objectstore;

/**
 * The condition a put must meet; when it fails the put changes nothing and throws {@link
 * PreconditionFailedException}.
 */
public sealed interface PutCondition {

  /** Always write (create or replace). */
  static PutCondition none() {
    return None.INSTANCE;
  }

  /**
   * Write only when no object has the key (S3 {@code If-None-Match: *}); an empty object counts.
   * After a delete the key is free again.
   */
  static PutCondition ifAbsent() {
    return IfAbsent.INSTANCE;
  }

  /** Replace only when the current object has {@code etag} (S3 {@code If-Match}). */
  static PutCondition ifMatch(String etag) {
    return new IfMatch(etag);
  }

  /** No condition. */
  enum None implements PutCondition {
    INSTANCE
  }

  /** Create-only. */
  enum IfAbsent implements PutCondition {
    INSTANCE
  }

  /**
   * Compare-and-swap on the entity tag.
   *
   * @param etag the tag the current object must have
   */
  record IfMatch(String etag) implements PutCondition {}
}
