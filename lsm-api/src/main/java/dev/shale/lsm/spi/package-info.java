/**
 * What every Shale plugin shares: {@link dev.shale.lsm.spi.NamedProvider} and the {@link
 * dev.shale.lsm.spi.ProviderRegistry} that finds providers by name, the internal-key model ({@link
 * dev.shale.lsm.spi.EntryKind}, {@link dev.shale.lsm.spi.Sequences}, {@link
 * dev.shale.lsm.spi.KeyOrder}) and the {@link dev.shale.lsm.spi.InternalIterator} the engine
 * merges.
 *
 * <p>A plugin registers its provider twice, so it works on the module path and the class path:
 * {@code provides dev.shale.lsm.spi.wal.WalProvider with com.example.MyWal;} in module-info, and
 * the class name in {@code META-INF/services/dev.shale.lsm.spi.wal.WalProvider}. A provider needs a
 * public no-argument constructor that does no work (never look up other providers from it).
 */
@NullMarked
package dev.shale.lsm.spi;

import org.jspecify.annotations.NullMarked;
