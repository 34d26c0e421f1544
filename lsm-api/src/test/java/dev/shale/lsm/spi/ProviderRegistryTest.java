package dev.shale.lsm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

  interface Thing extends NamedProvider {}

  record NamedThing(String name) implements Thing {}

  static final class OtherThing implements Thing {
    @Override
    public String name() {
      return "a";
    }
  }

  @Test
  void findsProvidersByName() {
    NamedThing a = new NamedThing("a");
    ProviderRegistry<Thing> registry =
        ProviderRegistry.of(Thing.class, List.of(new NamedThing("b"), a));
    assertSame(a, registry.get("a"));
    assertEquals(List.of("a", "b"), List.copyOf(registry.names()));
  }

  @Test
  void unknownNameListsTheAvailableOnes() {
    ProviderRegistry<Thing> registry =
        ProviderRegistry.of(Thing.class, List.of(new NamedThing("x"), new NamedThing("y")));
    UnknownProviderException e =
        assertThrows(UnknownProviderException.class, () -> registry.get("z"));
    assertTrue(e.getMessage().contains("available: x, y"), e.getMessage());
    assertEquals("z", e.requested());
  }

  @Test
  void duplicateNamesFailFastNamingBothClasses() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ProviderRegistry.of(Thing.class, List.of(new NamedThing("a"), new OtherThing())));
    assertTrue(e.getMessage().contains(OtherThing.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(NamedThing.class.getName()), e.getMessage());
  }

  @Test
  void malformedNamesAreRejected() {
    assertThrows(
        IllegalStateException.class,
        () -> ProviderRegistry.of(Thing.class, List.of(new NamedThing("Has Space"))));
  }

  @Test
  void installedRegistryIsEmptyWhenNothingIsRegistered() {
    assertTrue(ProviderRegistry.installed(Thing.class).names().isEmpty());
  }
}
