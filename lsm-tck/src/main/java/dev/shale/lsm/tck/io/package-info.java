/**
 * Storage wrappers for tests: fault injection (full disk, failed fsync, torn writes) and simulated
 * power loss.
 */
@NullMarked
package dev.shale.lsm.tck.io;

import org.jspecify.annotations.NullMarked;
