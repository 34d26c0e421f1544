/** What every suite shares: module-export checks and test data helpers. */
@NullMarked
package dev.shale.lsm.tck;

import org.jspecify.annotations.NullMarked;
