package dev.shale.lsm.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The providers of one SPI, by name. {@link #installed} finds them with {@link ServiceLoader} on
 * the module path and the class path; {@link #of} builds a registry from given instances (tests, or
 * an application that wires its own).
 *
 * <p>Immutable and thread-safe. Loading fails fast, naming both classes, when two providers share a
 * name, and when a name is malformed.
 *
 * @param <P> the provider type
 */
public final class ProviderRegistry<P extends NamedProvider> {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private final Class<P> type;
  private final SortedMap<String, P> byName;

  private ProviderRegistry(Class<P> type, SortedMap<String, P> byName) {
    this.type = type;
    this.byName = Collections.unmodifiableSortedMap(byName);
  }

  /**
   * The providers of {@code type} installed on the module and class path, loaded once per type.
   *
   * @throws IllegalStateException when two installed providers share a name or a name is malformed
   */
  @SuppressWarnings("unchecked")
  public static <P extends NamedProvider> ProviderRegistry<P> installed(Class<P> type) {
    return (ProviderRegistry<P>) Installed.CACHE.computeIfAbsent(type, Installed::load);
  }

  /**
   * A registry of exactly {@code providers}.
   *
   * @throws IllegalStateException when two share a name or a name is malformed
   */
  public static <P extends NamedProvider> ProviderRegistry<P> of(
      Class<P> type, Iterable<? extends P> providers) {
    SortedMap<String, P> byName = new TreeMap<>();
    for (P provider : providers) {
      String name = provider.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(
            provider.getClass().getName()
                + " has a malformed provider name '"
                + name
                + "' (expected [a-z0-9][a-z0-9._-]*)");
      }
      P previous = byName.putIfAbsent(name, provider);
      if (previous != null && previous.getClass() != provider.getClass()) {
        throw new IllegalStateException(
            "two "
                + kind(type)
                + " providers are named '"
                + name
                + "': "
                + previous.getClass().getName()
                + " and "
                + provider.getClass().getName()
                + "; remove one of them from the class or module path");
      }
    }
    return new ProviderRegistry<>(type, byName);
  }

  /**
   * The provider named {@code name}.
   *
   * @throws UnknownProviderException listing the available names when there is none
   */
  public P get(String name) {
    P provider = byName.get(name);
    if (provider == null) {
      throw new UnknownProviderException(kind(type), name, byName.keySet());
    }
    return provider;
  }

  /** The provider named {@code name}, if any. */
  public Optional<P> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The names, sorted. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(byName.keySet()));
  }

  /** The providers, sorted by name. */
  public List<P> all() {
    return List.copyOf(byName.values());
  }

  /** The SPI type this registry holds. */
  public Class<P> type() {
    return type;
  }

  /** The name of an SPI type as error messages show it. */
  static String kind(Class<?> type) {
    return type.getSimpleName();
  }

  /**
   * Lazy holder: {@link ServiceLoader} runs on first use, never while a provider is constructed.
   */
  private static final class Installed {
    static final Map<Class<?>, ProviderRegistry<?>> CACHE = new ConcurrentHashMap<>();

    static ProviderRegistry<?> load(Class<?> type) {
      return loadTyped(type.asSubclass(NamedProvider.class));
    }

    private static <P extends NamedProvider> ProviderRegistry<P> loadTyped(Class<P> type) {
      List<P> found = new ArrayList<>();
      ServiceLoader.load(type).forEach(found::add);
      return of(type, found);
    }
  }
}
