package dev.shale.lsm.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shale.lsm.api.TransactionOptions;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.txn.TransactionProvider;
import dev.shale.lsm.tck.ModuleExports;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins what the module shows the world: one exported package and one provider. */
class TransactionModuleTest {

  @Test
  void exportsOnlyTheProviderPackage() {
    assertEquals(
        Set.of("dev.shale.lsm.txn"),
        ModuleExports.exportedPackages(OptimisticTransactionProvider.class));
  }

  @Test
  void providesTheOptimisticProvider() {
    assertEquals(
        Set.of(
            "dev.shale.lsm.spi.txn.TransactionProvider with"
                + " dev.shale.lsm.txn.OptimisticTransactionProvider"),
        ModuleExports.providedServices(OptimisticTransactionProvider.class));
  }

  @Test
  void serviceLoaderFindsItByName() {
    assertEquals(
        OptimisticTransactionProvider.class,
        ProviderRegistry.installed(TransactionProvider.class).get("optimistic").getClass(),
        "META-INF/services");
  }

  @Test
  void beginRejectsNullArguments() {
    OptimisticTransactionProvider provider = new OptimisticTransactionProvider();
    assertThrows(
        IllegalArgumentException.class, () -> provider.begin(null, TransactionOptions.defaults()));
  }
}
