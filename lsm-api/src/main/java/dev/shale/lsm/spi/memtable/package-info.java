/**
 * The memtable SPI: {@link dev.shale.lsm.spi.memtable.MemtableProvider} creates {@link
 * dev.shale.lsm.spi.memtable.Memtable}s, the in-memory sorted buffers of internal entries that sit
 * in front of the SSTables.
 */
@NullMarked
package dev.shale.lsm.spi.memtable;

import org.jspecify.annotations.NullMarked;
