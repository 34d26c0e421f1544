/**
 * Text forms used by the {@code shale} command: escaped or hex bytes, {@code key<TAB>value} lines,
 * and sizes, counts and durations.
 */
@NullMarked
package dev.shale.lsm.cli.text;

import org.jspecify.annotations.NullMarked;
