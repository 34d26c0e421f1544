package dev.shale.lsm.engine;

import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.wal.WalProvider;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts an {@link Engine} is built from. The engine depends on these SPIs only; {@code
 * lsm-assembly} chooses the implementations.
 *
 * @param storage the local file layer
 * @param wal the write-ahead log
 * @param memtable the memtable
 * @param tableFormat the SSTable format new files are written in
 * @param tableFormats every installed format, to read existing files whatever wrote them
 * @param blockCache the block cache
 * @param compaction the compaction strategy
 * @param transactions optimistic transactions, or null when none is installed
 * @param listeners told what the Db does as it works
 */
public record EngineParts(
    Storage storage,
    WalProvider wal,
    MemtableProvider memtable,
    SSTableFormat tableFormat,
    ProviderRegistry<SSTableFormat> tableFormats,
    BlockCacheProvider blockCache,
    CompactionStrategyProvider compaction,
    @Nullable TransactionProvider transactions,
    List<DbListener> listeners) {

  public EngineParts {
    listeners = List.copyOf(listeners);
  }
}
