package dev.shale.lsm.objectstore.s3;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** Skips jqwik properties of the real S3 Express suite unless SHALE_S3_EXPRESS_BUCKET is set. */
public final class SkipWithoutExpressBucket implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    String bucket = System.getenv(S3ExpressObjectStoreConformanceTest.BUCKET_VARIABLE);
    return bucket != null && !bucket.isBlank()
        ? SkipResult.doNotSkip()
        : SkipResult.skip(
            S3ExpressObjectStoreConformanceTest.BUCKET_VARIABLE
                + " is not set: no real S3 Express bucket");
  }
}
