/** The SSTable format conformance suite and deliberately broken formats. */
@NullMarked
package dev.shale.lsm.tck.sstable;

import org.jspecify.annotations.NullMarked;
