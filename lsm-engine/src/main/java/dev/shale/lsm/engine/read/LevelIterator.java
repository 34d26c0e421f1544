package dev.shale.lsm.engine.read;

import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.KeyOrder;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Iterates one sorted level (disjoint files in key order) as a single run, opening each file's
 * iterator only when iteration reaches it.
 */
public final class LevelIterator implements InternalIterator {
  private final List<FileMeta> files;
  private final TableCache tables;
  private final boolean fillCache;
  private int index = -1;
  private @Nullable InternalIterator current;

  public LevelIterator(List<FileMeta> files, TableCache tables, boolean fillCache) {
    this.files = files;
    this.tables = tables;
    this.fillCache = fillCache;
  }

  @Override
  public boolean isValid() {
    return current != null && current.isValid();
  }

  @Override
  public void seekToFirst() {
    open(0);
    if (current != null) {
      current.seekToFirst();
      skipExhausted();
    }
  }

  @Override
  public void seek(byte[] userKey, long sequence) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).largestKey(), userKey) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    open(lo);
    if (current != null) {
      current.seek(userKey, sequence);
      skipExhausted();
    }
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
    current().next();
    skipExhausted();
  }

  @Override
  public byte[] key() {
    return current().key();
  }

  @Override
  public long sequence() {
    return current().sequence();
  }

  @Override
  public EntryKind kind() {
    return current().kind();
  }

  @Override
  public byte[] value() {
    return current().value();
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private InternalIterator current() {
    InternalIterator it = current;
    if (it == null || !it.isValid()) {
      throw new NoSuchElementException("iterator is not positioned on an entry");
    }
    return it;
  }

  private void skipExhausted() {
    while (current != null && !current.isValid()) {
      open(index + 1);
      if (current != null) {
        current.seekToFirst();
      }
    }
  }

  private void open(int fileIndex) {
    if (fileIndex == index && current != null) {
      return;
    }
    close();
    index = fileIndex;
    if (fileIndex < files.size()) {
      current = tables.reader(files.get(fileIndex).fileId()).iterator(fillCache);
    }
  }
}
