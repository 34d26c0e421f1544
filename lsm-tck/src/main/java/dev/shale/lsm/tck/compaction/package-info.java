/** The compaction strategy conformance suite and deliberately broken strategies. */
@NullMarked
package dev.shale.lsm.tck.compaction;

import org.jspecify.annotations.NullMarked;
