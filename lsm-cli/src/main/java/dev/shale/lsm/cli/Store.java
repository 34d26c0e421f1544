package dev.shale.lsm.cli;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.KeyValue;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.client.ShaleClient;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What {@code put}, {@code get}, {@code delete} and {@code scan} work on: a Db opened in this
 * process ({@code --db}) or a server ({@code --server}). Writes are fsynced before they return.
 */
interface Store extends AutoCloseable {
  WriteOptions SYNCED = WriteOptions.of(Durability.LOCAL);

  void put(byte[] key, byte[] value);

  byte @Nullable [] get(byte[] key);

  void delete(byte[] key);

  /** Live entries in key order, at most {@code limit}; close the stream when done. */
  Stream<KeyValue> scan(ReadOptions options, long limit);

  @Override
  void close();

  /** A Db opened in this process, for commands that need the Db itself; closing closes it. */
  record Local(Db db) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
    }
  }

  /** A Db opened in this process. */
  static Store of(Db db) {
    return new Store() {
      @Override
      public void put(byte[] key, byte[] value) {
        db.put(key, value, SYNCED);
      }

      @Override
      public byte @Nullable [] get(byte[] key) {
        return db.get(key);
      }

      @Override
      public void delete(byte[] key) {
        db.delete(key, SYNCED);
      }

      @Override
      public Stream<KeyValue> scan(ReadOptions options, long limit) {
        return db.scan(options).limit(limit);
      }

      @Override
      public void close() {
        db.close();
      }
    };
  }

  /** A server. */
  static Store of(ShaleClient client) {
    return new Store() {
      @Override
      public void put(byte[] key, byte[] value) {
        client.put(key, value, SYNCED);
      }

      @Override
      public byte @Nullable [] get(byte[] key) {
        return client.get(key);
      }

      @Override
      public void delete(byte[] key) {
        client.delete(key, SYNCED);
      }

      @Override
      public Stream<KeyValue> scan(ReadOptions options, long limit) {
        return client.scan(options, limit == Long.MAX_VALUE ? 0 : limit);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
