/**
 * The SSTable SPI: an {@link dev.shale.lsm.spi.sstable.SSTableFormat} writes immutable sorted files
 * of internal entries and reads them back. Every table file starts with a {@link
 * dev.shale.lsm.spi.sstable.TableFileHeader} naming its format and version, so the engine picks the
 * reader from the file itself.
 */
@NullMarked
package dev.shale.lsm.spi.sstable;

import org.jspecify.annotations.NullMarked;
