package dev.shale.lsm.tck.objectstore;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An object store that passes every call to a delegate; the wrappers of this package override what
 * they change. Thread-safe when the delegate is.
 */
abstract class ForwardingObjectStore implements ObjectStore {
  private final ObjectStore delegate;

  ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  final ObjectStore delegate() {
    return delegate;
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
    return delegate.put(key, data, options);
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    return delegate.putFile(key, file, options);
  }

  @Override
  public byte[] get(String key) throws IOException {
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public void getToFile(String key, Path target) throws IOException {
    delegate.getToFile(key, target);
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    return delegate.head(key);
  }

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    return delegate.list(prefix, startAfter, maxKeys);
  }

  @Override
  public void delete(String key) throws IOException {
    delegate.delete(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
