/**
 * The {@code shale} command line: one class per command or command group, with shared options
 * (mixins), progress display and failure reporting. Nothing here is exported; run it with {@code
 * ./shale} or {@code java -p ... -m dev.shale.lsm.cli/dev.shale.lsm.cli.ShaleCommand}.
 */
@NullMarked
package dev.shale.lsm.cli;

import org.jspecify.annotations.NullMarked;
