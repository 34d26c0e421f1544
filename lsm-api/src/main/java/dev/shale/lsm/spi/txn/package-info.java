/**
 * The transaction SPI: a {@link dev.shale.lsm.spi.txn.TransactionProvider} implements {@link
 * dev.shale.lsm.api.Transaction} on top of the few primitives the engine offers in {@link
 * dev.shale.lsm.spi.txn.TransactionSupport}: snapshot reads, and a commit whose validation runs
 * atomically with the write.
 */
@NullMarked
package dev.shale.lsm.spi.txn;

import org.jspecify.annotations.NullMarked;
