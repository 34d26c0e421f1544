/**
 * The conformance suite for {@link dev.shale.lsm.api.event.DbListener}s, and deliberately broken
 * listeners that it must fail.
 */
@NullMarked
package dev.shale.lsm.tck.event;

import org.jspecify.annotations.NullMarked;
