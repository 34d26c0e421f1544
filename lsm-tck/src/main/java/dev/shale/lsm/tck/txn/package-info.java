/** The transaction provider conformance suite and deliberately broken transaction providers. */
@NullMarked
package dev.shale.lsm.tck.txn;

import org.jspecify.annotations.NullMarked;
