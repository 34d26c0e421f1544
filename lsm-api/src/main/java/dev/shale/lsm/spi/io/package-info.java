/**
 * The local file layer every storage plugin writes through: {@link dev.shale.lsm.spi.io.Storage}
 * with its default {@link dev.shale.lsm.spi.io.DiskStorage}. Going through it (instead of {@code
 * java.nio.file.Files}) lets tests wrap it to count fsyncs, fill the disk, tear writes or simulate
 * power loss.
 */
@NullMarked
package dev.shale.lsm.spi.io;

import org.jspecify.annotations.NullMarked;
