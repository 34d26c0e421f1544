/** The memtable conformance suite and deliberately broken memtables. */
@NullMarked
package dev.shale.lsm.tck.memtable;

import org.jspecify.annotations.NullMarked;
