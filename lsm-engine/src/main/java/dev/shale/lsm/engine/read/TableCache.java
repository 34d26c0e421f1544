package dev.shale.lsm.engine.read;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.spi.ProviderRegistry;
import dev.shale.lsm.spi.cache.BlockCache;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.Storage;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.TableFileHeader;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open SSTable readers of a Db, one per live file, opened on first use. The reader's format is
 * chosen from the file's own {@link TableFileHeader}, so files written by any installed format are
 * readable. Thread-safe.
 */
public final class TableCache implements AutoCloseable {
  private final Storage storage;
  private final Path directory;
  private final ProviderRegistry<SSTableFormat> formats;
  private final BlockCache blockCache;
  private final ConcurrentHashMap<Long, SSTableReader> readers = new ConcurrentHashMap<>();

  public TableCache(
      Storage storage,
      Path directory,
      ProviderRegistry<SSTableFormat> formats,
      BlockCache blockCache) {
    this.storage = storage;
    this.directory = directory;
    this.formats = formats;
    this.blockCache = blockCache;
  }

  /** Where SSTables live. */
  public Path directory() {
    return directory;
  }

  /** The path of table {@code fileId}. */
  public Path path(long fileId) {
    return pathOf(directory, fileId);
  }

  /** The path of table {@code fileId} in {@code directory}. */
  public static Path pathOf(Path directory, long fileId) {
    return directory.resolve(String.format("%020d.sst", fileId));
  }

  /** The file number of a table file name, if it is one. */
  public static Optional<Long> fileIdOf(String fileName) {
    if (fileName.length() == 24 && fileName.endsWith(".sst")) {
      try {
        return Optional.of(Long.parseLong(fileName.substring(0, 20)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The reader of {@code fileId}, opened if needed.
   *
   * @throws CorruptionException when the file is damaged or its format is not installed
   * @throws StorageIOException when it cannot be read
   */
  public SSTableReader reader(long fileId) {
    SSTableReader reader = readers.get(fileId);
    if (reader != null) {
      return reader;
    }
    return readers.computeIfAbsent(fileId, this::openUnchecked);
  }

  /** Closes the reader of a file (deleted or obsolete) and drops its cached blocks. */
  public void evict(long fileId) {
    SSTableReader reader = readers.remove(fileId);
    if (reader != null) {
      reader.close();
    }
    blockCache.invalidateFile(fileId);
  }

  /** Opens a table without caching the reader, e.g. for tools. */
  public static SSTableReader open(
      Storage storage,
      Path file,
      long fileId,
      ProviderRegistry<SSTableFormat> formats,
      BlockCache blockCache)
      throws IOException {
    RandomAccessInput input = storage.openInput(file);
    try {
      TableFileHeader header = TableFileHeader.read(input);
      SSTableFormat format =
          formats
              .find(header.formatName())
              .orElseThrow(
                  () ->
                      new CorruptionException(
                          file.toString(),
                          0,
                          "written by SSTable format '"
                              + header.formatName()
                              + "', which is not installed (available: "
                              + String.join(", ", formats.names())
                              + "); put the plugin that provides it on the class or module path"));
      return format.openReader(input, new TableReaderOptions(fileId, blockCache));
    } catch (IOException | RuntimeException e) {
      input.close();
      throw e;
    }
  }

  private SSTableReader openUnchecked(long fileId) {
    Path file = path(fileId);
    try {
      return open(storage, file, fileId, formats, blockCache);
    } catch (IOException e) {
      throw new StorageIOException("cannot open table " + file, e);
    }
  }

  @Override
  public void close() {
    for (Long id : readers.keySet()) {
      evict(id);
    }
  }
}
