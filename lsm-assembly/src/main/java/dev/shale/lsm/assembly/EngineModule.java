package dev.shale.lsm.assembly;

import dagger.Module;
import dagger.Provides;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.engine.Engine;
import dev.shale.lsm.engine.EngineParts;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCacheProvider;
import dev.shale.lsm.spi.compaction.CompactionStrategyProvider;
import dev.shale.lsm.spi.memtable.MemtableProvider;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.spi.wal.WalProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Resolves each chosen part and builds the engine from them. */
@Module
final class EngineModule {
  private EngineModule() {}

  @Provides
  static WalProvider wal(PartChoices choices) {
    return choices.wal().resolve();
  }

  @Provides
  static MemtableProvider memtable(PartChoices choices) {
    return choices.memtable().resolve();
  }

  @Provides
  static SSTableFormat tableFormat(PartChoices choices) {
    return choices.tableFormat().resolve();
  }

  @Provides
  static BlockCacheProvider blockCache(PartChoices choices) {
    return choices.blockCache().resolve();
  }

  @Provides
  static CompactionStrategyProvider compaction(PartChoices choices) {
    return choices.compaction().resolve();
  }

  /** Every installed format plus the chosen one, so files of any of them stay readable. */
  @Provides
  static ProviderRegistry<SSTableFormat> readableFormats(SSTableFormat chosen) {
    List<SSTableFormat> formats = new ArrayList<>();
    for (SSTableFormat f : ProviderRegistry.installed(SSTableFormat.class).all()) {
      if (!f.name().equals(chosen.name())) {
        formats.add(f);
      }
    }
    formats.add(chosen);
    return ProviderRegistry.of(SSTableFormat.class, formats);
  }

  /** The chosen transaction provider, else the installed "optimistic" one, if any. */
  @Provides
  static Optional<TransactionProvider> transactions(PartChoices choices) {
    PartChoice<TransactionProvider> chosen = choices.transactions();
    if (chosen != null) {
      return Optional.of(chosen.resolve());
    }
    return ProviderRegistry.installed(TransactionProvider.class).find(Shale.DEFAULT_TRANSACTIONS);
  }

  @Provides
  static EngineParts parts(
      PartChoices choices,
      WalProvider wal,
      MemtableProvider memtable,
      SSTableFormat tableFormat,
      ProviderRegistry<SSTableFormat> readableFormats,
      BlockCacheProvider blockCache,
      CompactionStrategyProvider compaction,
      Optional<TransactionProvider> transactions) {
    return new EngineParts(
        choices.storage(),
        wal,
        memtable,
        tableFormat,
        readableFormats,
        blockCache,
        compaction,
        transactions.orElse(null),
        choices.listeners());
  }

  @Provides
  static Engine engine(Path directory, DbOptions options, EngineParts parts, PartChoices choices) {
    if (choices.readOnly()) {
      return Engine.openReadOnly(directory, options, parts);
    }
    return Engine.open(directory, options, parts, choices.remote());
  }
}
