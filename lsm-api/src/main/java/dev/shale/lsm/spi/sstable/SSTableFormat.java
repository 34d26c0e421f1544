package dev.shale.lsm.spi.sstable;

import dev.shale.lsm.spi.NamedProvider;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import java.io.IOException;
import java.util.Set;

/**
 * A named, versioned SSTable file format. Stateless and thread-safe. The name and {@link
 * #formatVersion()} go into the {@link TableFileHeader} of every file it writes; its reader accepts
 * every version from its oldest supported one up to the current one and rejects others with a
 * {@link dev.shale.lsm.api.CorruptionException} saying which versions it reads.
 */
public interface SSTableFormat extends NamedProvider {

  /** The version this format writes. */
  int formatVersion();

  /** What this format supports; anything not listed counts as unsupported. */
  Set<SSTableCapability> capabilities();

  /** Block compression codecs accepted by {@link TableWriterOptions#compression()}; has "none". */
  Set<String> compressionCodecs();

  /**
   * Starts a table written to {@code output} (a new, empty file). The writer owns nothing: the
   * caller syncs and closes the output after {@link SSTableWriter#finish()}.
   *
   * @throws IllegalArgumentException for an unknown compression codec
   */
  SSTableWriter newWriter(SequentialOutput output, TableWriterOptions options) throws IOException;

  /**
   * Opens a table for reading: checks the header, footer and metadata blocks and loads the index
   * and filter. The reader takes ownership of {@code input} and closes it.
   *
   * @throws dev.shale.lsm.api.CorruptionException naming the file and offset for any damage found
   */
  SSTableReader openReader(RandomAccessInput input, TableReaderOptions options) throws IOException;
}
