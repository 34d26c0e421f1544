/** The block cache conformance suite and deliberately broken caches. */
@NullMarked
package dev.shale.lsm.tck.cache;

import org.jspecify.annotations.NullMarked;
