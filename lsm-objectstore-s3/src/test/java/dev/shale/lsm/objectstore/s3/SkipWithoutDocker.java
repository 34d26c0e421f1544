package dev.shale.lsm.objectstore.s3;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a suite's jqwik properties when no Docker engine is reachable, as
 * {@code @EnabledIfDockerAvailable} does for its JUnit tests (jqwik does not read JUnit's
 * conditions).
 */
public final class SkipWithoutDocker implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    return DockerClientFactory.instance().isDockerAvailable()
        ? SkipResult.doNotSkip()
        : SkipResult.skip("no Docker engine: MinIO and LocalStack suites need Testcontainers");
  }
}
