package dev.shale.lsm.tck.wal;

import dev.shale.lsm.spi.wal.WalCapability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Marks a jqwik property of {@link WalConformanceTest} that only applies to providers declaring a
 * capability; {@link Gate} skips it, with the reason, for the others. (A jqwik assumption would not
 * do: a property whose every try is rejected counts as exhausted, which is a failure.)
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface RequiresWalCapability {
  WalCapability value();

  /** Skips properties whose provider lacks the capability they require. */
  final class Gate implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      RequiresWalCapability required =
          context.findAnnotation(RequiresWalCapability.class).orElse(null);
      Class<?> container = context.optionalContainerClass().orElse(null);
      if (required == null
          || container == null
          || !WalConformanceTest.class.isAssignableFrom(container)) {
        return SkipResult.doNotSkip();
      }
      WalConformanceTest suite = (WalConformanceTest) context.newInstance(container);
      if (suite.provider().capabilities().contains(required.value())) {
        return SkipResult.doNotSkip();
      }
      return SkipResult.skip("the provider does not declare " + required.value());
    }
  }
}
