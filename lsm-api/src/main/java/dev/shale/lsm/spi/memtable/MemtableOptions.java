package dev.shale.lsm.spi.memtable;

/**
 * How a memtable will be used.
 *
 * @param expectedBytes the size at which the engine will freeze it, a hint for pre-sizing
 */
public record MemtableOptions(long expectedBytes) {}
