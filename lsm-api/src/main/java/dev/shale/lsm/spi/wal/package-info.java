/**
 * The write-ahead log SPI: {@link dev.shale.lsm.spi.wal.WalProvider} opens a {@link
 * dev.shale.lsm.spi.wal.WriteAheadLog} in a directory. The engine appends one record per {@link
 * dev.shale.lsm.api.WriteBatch}, syncs once per commit group, rolls to a new segment when a
 * memtable is switched, deletes segments once they are flushed, and replays them on open.
 */
@NullMarked
package dev.shale.lsm.spi.wal;

import org.jspecify.annotations.NullMarked;
