/**
 * The object store SPI: a small, S3-shaped interface (put with a condition, get, ranged get, head,
 * list, delete) that log shipping, fencing and recovery are built on. Stores are selected by URI
 * scheme through {@link dev.shale.lsm.spi.objectstore.ObjectStoreProvider}.
 */
@NullMarked
package dev.shale.lsm.spi.objectstore;

import org.jspecify.annotations.NullMarked;
