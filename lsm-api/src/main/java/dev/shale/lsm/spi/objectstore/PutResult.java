package dev.shale.lsm.spi.objectstore;

/**
 * A successful put.
 *
 * @param etag the new object's entity tag, not empty
 */
public record PutResult(String etag) {}
