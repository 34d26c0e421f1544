package dev.shale.lsm.assembly;

import dev.shale.lsm.spi.NamedProvider;
import dev.shale.lsm.spi.ProviderRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One part of the engine as the user chose it: an installed provider by name, or an instance.
 *
 * @param <P> the provider type
 */
final class PartChoice<P extends NamedProvider> {
  private final Class<P> type;
  private final @Nullable String name;
  private final @Nullable P instance;

  private PartChoice(Class<P> type, @Nullable String name, @Nullable P instance) {
    this.type = type;
    this.name = name;
    this.instance = instance;
  }

  static <P extends NamedProvider> PartChoice<P> named(Class<P> type, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(type.getSimpleName() + " name must not be empty");
    }
    return new PartChoice<>(type, name, null);
  }

  static <P extends NamedProvider> PartChoice<P> instance(Class<P> type, P instance) {
    if (instance == null) {
      throw new IllegalArgumentException(type.getSimpleName() + " must not be null");
    }
    return new PartChoice<>(type, null, instance);
  }

  /**
   * The provider: the instance, or the installed provider of that name.
   *
   * @throws dev.shale.lsm.spi.UnknownProviderException listing the installed names
   */
  P resolve() {
    if (instance != null) {
      return instance;
    }
    String n = name;
    if (n == null) {
      throw new IllegalStateException("a part choice holds a name or an instance");
    }
    return ProviderRegistry.installed(type).get(n);
  }
}
