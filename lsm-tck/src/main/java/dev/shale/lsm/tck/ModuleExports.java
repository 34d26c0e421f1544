package dev.shale.lsm.tck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a module's compiled descriptor, so each module's test can pin exactly which packages it
 * exports and which services it provides, whether tests run on the class path or the module path.
 */
public final class ModuleExports {
  private ModuleExports() {}

  /** The descriptor of the module (jar or build output folder) that holds {@code anyClass}. */
  public static ModuleDescriptor descriptorOf(Class<?> anyClass) {
    try {
      Path location = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
          return ModuleDescriptor.read(in);
        }
      }
      return ModuleFinder.of(location).findAll().iterator().next().descriptor();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot read the module descriptor of " + anyClass, e);
    }
  }

  /** The packages the module exports to everyone, sorted. */
  public static Set<String> exportedPackages(Class<?> anyClass) {
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptorOf(anyClass).exports()) {
      if (!e.isQualified()) {
        exported.add(e.source());
      }
    }
    return exported;
  }

  /** The services the module provides, as {@code "service with implementation"} lines, sorted. */
  public static Set<String> providedServices(Class<?> anyClass) {
    Set<String> provided = new TreeSet<>();
    for (ModuleDescriptor.Provides p : descriptorOf(anyClass).provides()) {
      for (String impl : p.providers()) {
        provided.add(p.service() + " with " + impl);
      }
    }
    return provided;
  }
}
