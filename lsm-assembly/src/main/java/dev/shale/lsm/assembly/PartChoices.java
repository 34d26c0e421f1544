package dev.shale.lsm.assembly;

import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.engine.RemoteConfig;
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
 * The parts chosen for one Db, as the component's input. {@code transactions} is null when the user
 * chose none: then the installed default is used if there is one, and transactions are unsupported
 * otherwise. {@code readOnly}: open with {@link dev.shale.lsm.engine.Engine#openReadOnly} (then
 * {@code remote} is null).
 */
record PartChoices(
    Storage storage,
    PartChoice<WalProvider> wal,
    PartChoice<MemtableProvider> memtable,
    PartChoice<SSTableFormat> tableFormat,
    PartChoice<BlockCacheProvider> blockCache,
    PartChoice<CompactionStrategyProvider> compaction,
    @Nullable PartChoice<TransactionProvider> transactions,
    @Nullable RemoteConfig remote,
    boolean readOnly,
    List<DbListener> listeners) {}
