package dev.shale.lsm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Pins what lsm-api exports: the API and the SPI packages, nothing else. */
class ModuleExportsTest {

  @Test
  void exportsExactlyTheApiAndSpiPackages() throws IOException, URISyntaxException {
    Path classes =
        Path.of(NamedProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor descriptor;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      descriptor = ModuleDescriptor.read(in);
    }
    assertEquals("dev.shale.lsm.api", descriptor.name());
    Set<String> exported = new TreeSet<>();
    descriptor.exports().forEach(e -> exported.add(e.source()));
    assertEquals(
        Set.of(
            "dev.shale.lsm.api",
            "dev.shale.lsm.api.event",
            "dev.shale.lsm.spi",
            "dev.shale.lsm.spi.cache",
            "dev.shale.lsm.spi.compaction",
            "dev.shale.lsm.spi.io",
            "dev.shale.lsm.spi.memtable",
            "dev.shale.lsm.spi.objectstore",
            "dev.shale.lsm.spi.sstable",
            "dev.shale.lsm.spi.txn",
            "dev.shale.lsm.spi.wal"),
        exported);
  }
}
