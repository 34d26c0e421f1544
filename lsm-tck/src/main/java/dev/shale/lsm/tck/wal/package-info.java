/** The write-ahead log conformance suite and deliberately broken logs. */
@NullMarked
package dev.shale.lsm.tck.wal;

import org.jspecify.annotations.NullMarked;
