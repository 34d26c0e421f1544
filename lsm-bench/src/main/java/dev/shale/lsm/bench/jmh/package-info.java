/**
 * JMH microbenchmarks of Shale's hot pieces, reached through the SPIs only (providers looked up by
 * name in {@link dev.shale.lsm.spi.ProviderRegistry}), parameterised by provider name so two
 * implementations compare in one run. Run with {@code org.openjdk.jmh.Main}; see BENCHMARKS.md.
 */
@NullMarked
package dev.shale.lsm.bench.jmh;

import org.jspecify.annotations.NullMarked;
