/**
 * Shale's compaction strategies: {@link dev.shale.lsm.compaction.LeveledCompactionProvider} ({@code
 * "leveled"}) and {@link dev.shale.lsm.compaction.TieredCompactionProvider} ({@code "tiered"}).
 * Only the providers are public; the strategies they create are pure functions of the tree shape.
 */
@NullMarked
package dev.shale.lsm.compaction;

import org.jspecify.annotations.NullMarked;
