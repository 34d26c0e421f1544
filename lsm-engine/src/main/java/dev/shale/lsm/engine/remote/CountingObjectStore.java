package dev.shale.lsm.engine.remote;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts the requests and bytes the engine sends to a store, whatever the store: the figures behind
 * "requests per million writes", the number that decides an S3 Express bill. Thread-safe.
 */
public final class CountingObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  final LongAdder puts = new LongAdder();
  final LongAdder gets = new LongAdder();
  final LongAdder heads = new LongAdder();
  final LongAdder lists = new LongAdder();
  final LongAdder deletes = new LongAdder();
  final LongAdder bytesUp = new LongAdder();
  final LongAdder bytesDown = new LongAdder();

  public CountingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Requests of each kind and bytes moved so far. */
  public record Counts(
      long puts, long gets, long heads, long lists, long deletes, long bytesUp, long bytesDown) {
    /** The sum of two stores' counts. */
    public Counts plus(Counts o) {
      return new Counts(
          puts + o.puts,
          gets + o.gets,
          heads + o.heads,
          lists + o.lists,
          deletes + o.deletes,
          bytesUp + o.bytesUp,
          bytesDown + o.bytesDown);
    }

    public long requests() {
      return puts + gets + heads + lists + deletes;
    }
  }

  public Counts counts() {
    return new Counts(
        puts.sum(),
        gets.sum(),
        heads.sum(),
        lists.sum(),
        deletes.sum(),
        bytesUp.sum(),
        bytesDown.sum());
  }

  @Override
  public String uri() {
    return delegate.uri();
  }

  @Override
  public Set<ObjectStoreCapability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public long maxObjectBytes() {
    return delegate.maxObjectBytes();
  }

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    puts.increment();
    bytesUp.add(data.length);
    return delegate.put(key, data, options);
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    puts.increment();
    bytesUp.add(Files.size(file));
    return delegate.putFile(key, file, options);
  }

  @Override
  public byte[] get(String key) throws IOException {
    gets.increment();
    byte[] data = delegate.get(key);
    bytesDown.add(data.length);
    return data;
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    gets.increment();
    byte[] data = delegate.getRange(key, offset, length);
    bytesDown.add(data.length);
    return data;
  }

  @Override
  public void getToFile(String key, Path target) throws IOException {
    gets.increment();
    delegate.getToFile(key, target);
    bytesDown.add(Files.size(target));
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    heads.increment();
    return delegate.head(key);
  }

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    lists.increment();
    return delegate.list(prefix, startAfter, maxKeys);
  }

  @Override
  public void delete(String key) throws IOException {
    deletes.increment();
    delegate.delete(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
