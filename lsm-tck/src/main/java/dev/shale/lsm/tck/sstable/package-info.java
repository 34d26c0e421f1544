/**
 * The SSTable format conformance suite ({@link
 * dev.shale.lsm.tck.sstable.SSTableFormatConformanceTest}), deliberately broken formats ({@link
 * dev.shale.lsm.tck.sstable.BrokenTableFormats}) and in-memory table files for tests.
 */
@NullMarked
package dev.shale.lsm.tck.sstable;

import org.jspecify.annotations.NullMarked;
