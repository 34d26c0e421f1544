/** The object store conformance suite, fault-injecting and deliberately broken stores. */
@NullMarked
package dev.shale.lsm.tck.objectstore;

import org.jspecify.annotations.NullMarked;
