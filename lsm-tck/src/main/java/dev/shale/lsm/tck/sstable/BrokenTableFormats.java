package dev.shale.lsm.tck.sstable;

import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.Sequences;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.sstable.SSTableCapability;
import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.spi.sstable.SSTableReader;
import dev.shale.lsm.spi.sstable.SSTableWriter;
import dev.shale.lsm.spi.sstable.TableProperties;
import dev.shale.lsm.spi.sstable.TableReaderOptions;
import dev.shale.lsm.spi.sstable.TableWriterOptions;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken {@link SSTableFormat} wrappers, each with one defect and the delegate's
 * declarations, so anyone can check that {@link SSTableFormatConformanceTest} catches that defect.
 */
public final class BrokenTableFormats {
  private BrokenTableFormats() {}

  /** Gets ignore the snapshot and return the newest version. */
  public static SSTableFormat ignoresSnapshot(SSTableFormat delegate) {
    return new Wrapper(delegate) {
      @Override
      SSTableReader wrap(SSTableReader reader) {
        return new ForwardingReader(reader) {
          @Override
          public @Nullable LookupResult get(byte[] key, long snapshot) {
            return super.get(key, Sequences.MAX_SEQUENCE);
          }
        };
      }
    };
  }

  /** The filter says "absent" (and gets return nothing) for about half of the present keys. */
  public static SSTableFormat filterWithFalseNegatives(SSTableFormat delegate) {
    return new Wrapper(delegate) {
      @Override
      SSTableReader wrap(SSTableReader reader) {
        return new ForwardingReader(reader) {
          @Override
          public boolean mayContain(byte[] key) {
            return (Arrays.hashCode(key) & 1) == 0 && super.mayContain(key);
          }

          @Override
          public @Nullable LookupResult get(byte[] key, long snapshot) {
            return mayContain(key) ? super.get(key, snapshot) : null;
          }
        };
      }
    };
  }

  /** {@code verify} checks nothing (reports the whole file as checked). */
  public static SSTableFormat skipsChecksumVerification(SSTableFormat delegate) {
    return new Wrapper(delegate) {
      @Override
      SSTableReader wrap(SSTableReader reader) {
        return new ForwardingReader(reader) {
          @Override
          public void verify(LongConsumer progress) {
            progress.accept(fileSize());
          }
        };
      }
    };
  }

  /** Iterator seeks ignore the sequence and land on the newest version of the key. */
  public static SSTableFormat seekIgnoresSequence(SSTableFormat delegate) {
    return new Wrapper(delegate) {
      @Override
      SSTableReader wrap(SSTableReader reader) {
        return new ForwardingReader(reader) {
          @Override
          public InternalIterator iterator(boolean fillCache) {
            InternalIterator it = super.iterator(fillCache);
            return new ForwardingIterator(it) {
              @Override
              public void seek(byte[] userKey, long sequence) {
                super.seek(userKey, Sequences.MAX_SEQUENCE);
              }
            };
          }
        };
      }
    };
  }

  /** Unknown compression codecs are silently replaced by "none" instead of being rejected. */
  public static SSTableFormat acceptsAnyCodec(SSTableFormat delegate) {
    return new Wrapper(delegate) {
      @Override
      public SSTableWriter newWriter(SequentialOutput output, TableWriterOptions options)
          throws IOException {
        if (!compressionCodecs().contains(options.compression())) {
          options =
              new TableWriterOptions(
                  options.blockBytes(),
                  options.restartInterval(),
                  options.bloomBitsPerKey(),
                  "none");
        }
        return super.newWriter(output, options);
      }
    };
  }

  /** Forwards everything to the delegate; subclasses override one thing. */
  private abstract static class Wrapper implements SSTableFormat {
    private final SSTableFormat delegate;

    Wrapper(SSTableFormat delegate) {
      this.delegate = delegate;
    }

    SSTableReader wrap(SSTableReader reader) {
      return reader;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public int formatVersion() {
      return delegate.formatVersion();
    }

    @Override
    public Set<SSTableCapability> capabilities() {
      return delegate.capabilities();
    }

    @Override
    public Set<String> compressionCodecs() {
      return delegate.compressionCodecs();
    }

    @Override
    public SSTableWriter newWriter(SequentialOutput output, TableWriterOptions options)
        throws IOException {
      return delegate.newWriter(output, options);
    }

    @Override
    public SSTableReader openReader(RandomAccessInput input, TableReaderOptions options)
        throws IOException {
      return wrap(delegate.openReader(input, options));
    }
  }

  private static class ForwardingReader implements SSTableReader {
    private final SSTableReader delegate;

    ForwardingReader(SSTableReader delegate) {
      this.delegate = delegate;
    }

    @Override
    public TableProperties properties() {
      return delegate.properties();
    }

    @Override
    public long fileId() {
      return delegate.fileId();
    }

    @Override
    public @Nullable LookupResult get(byte[] key, long snapshot) {
      return delegate.get(key, snapshot);
    }

    @Override
    public boolean mayContain(byte[] key) {
      return delegate.mayContain(key);
    }

    @Override
    public InternalIterator iterator(boolean fillCache) {
      return delegate.iterator(fillCache);
    }

    @Override
    public void verify(LongConsumer progress) {
      delegate.verify(progress);
    }

    @Override
    public List<BlockInfo> dataBlocks() {
      return delegate.dataBlocks();
    }

    @Override
    public long fileSize() {
      return delegate.fileSize();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static class ForwardingIterator implements InternalIterator {
    private final InternalIterator delegate;

    ForwardingIterator(InternalIterator delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public void seekToFirst() {
      delegate.seekToFirst();
    }

    @Override
    public void seek(byte[] userKey, long sequence) {
      delegate.seek(userKey, sequence);
    }

    @Override
    public void next() {
      delegate.next();
    }

    @Override
    public byte[] key() {
      return delegate.key();
    }

    @Override
    public long sequence() {
      return delegate.sequence();
    }

    @Override
    public EntryKind kind() {
      return delegate.kind();
    }

    @Override
    public byte[] value() {
      return delegate.value();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
