package dev.shale.lsm.assembly;

import dagger.BindsInstance;
import dagger.Component;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.engine.Engine;
import java.nio.file.Path;

/** The Dagger component that wires one engine; package-private behind {@link Shale}. */
@Component(modules = EngineModule.class)
interface EngineComponent {

  /** Opens the engine (each call opens a new one; {@link Shale} calls it once). */
  Engine engine();

  @Component.Builder
  interface Builder {
    @BindsInstance
    Builder directory(Path directory);

    @BindsInstance
    Builder options(DbOptions options);

    @BindsInstance
    Builder choices(PartChoices choices);

    EngineComponent build();
  }
}
