package dev.shale.lsm.client;

import com.google.protobuf.ByteString;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.Snapshot;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.server.v1.Expectation;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An optimistic transaction against a Shale server, run by the client: reads go to a server
 * snapshot taken at the start (or to the transaction's own buffered writes), writes are buffered,
 * and {@link #commit()} sends them as one conditional write carrying every value read, which the
 * server applies atomically only if each read key still holds what was read.
 *
 * <p>Isolation: serializable for the keys read with {@link #get}; a key written without being read
 * is a blind write and never conflicts (there are no range reads in a remote transaction). Values
 * are compared, not versions, so a key changed and changed back counts as unchanged.
 *
 * <p>Not thread-safe. After commit or rollback every method but {@link #close()} throws {@link
 * IllegalStateException}; closing an open transaction rolls it back.
 */
public final class RemoteTransaction implements AutoCloseable {
  private final ShaleClient client;
  private final Snapshot snapshot;
  private final WriteOptions options;
  private final Map<ByteBuffer, Optional<byte[]>> reads = new LinkedHashMap<>();
  private final Map<ByteBuffer, Optional<byte[]>> writes = new HashMap<>();
  private final WriteBatch batch = new WriteBatch();
  private boolean done;

  RemoteTransaction(ShaleClient client, Snapshot snapshot, WriteOptions options) {
    this.client = client;
    this.snapshot = snapshot;
    this.options = options;
  }

  /** The value of {@code key}: this transaction's own write if any, else as of its snapshot. */
  public byte @Nullable [] get(byte[] key) {
    checkOpen();
    ByteBuffer k = ByteBuffer.wrap(key.clone());
    Optional<byte[]> own = writes.get(k);
    if (own != null) {
      return own.map(byte[]::clone).orElse(null);
    }
    Optional<byte[]> seen = reads.get(k);
    if (seen == null) {
      seen = Optional.ofNullable(client.get(key, ReadOptions.defaults().withSnapshot(snapshot)));
      reads.put(k, seen);
    }
    return seen.map(byte[]::clone).orElse(null);
  }

  /** Buffers a put. */
  public void put(byte[] key, byte[] value) {
    checkOpen();
    batch.put(key, value);
    writes.put(ByteBuffer.wrap(key.clone()), Optional.of(value.clone()));
  }

  /** Buffers a delete. */
  public void delete(byte[] key) {
    checkOpen();
    batch.delete(key);
    writes.put(ByteBuffer.wrap(key.clone()), Optional.empty());
  }

  /** The sequence of the snapshot the transaction reads. */
  public long startSequence() {
    return snapshot.sequence();
  }

  /**
   * Applies the buffered writes atomically if nothing read has changed.
   *
   * @throws TransactionConflictException when a key read changed since; nothing is written
   */
  public void commit() {
    checkOpen();
    done = true;
    try {
      if (batch.isEmpty()) {
        return;
      }
      java.util.List<Expectation> expectations = new java.util.ArrayList<>(reads.size());
      for (Map.Entry<ByteBuffer, Optional<byte[]>> read : reads.entrySet()) {
        Expectation.Builder e =
            Expectation.newBuilder().setKey(ByteString.copyFrom(read.getKey().duplicate()));
        read.getValue().ifPresent(v -> e.setPresent(true).setValue(ByteString.copyFrom(v)));
        expectations.add(e.build());
      }
      client.writeIf(batch, expectations, options);
    } finally {
      snapshot.close();
    }
  }

  /** Discards the buffered writes. */
  public void rollback() {
    checkOpen();
    done = true;
    snapshot.close();
  }

  /** Rolls back unless committed; releases the snapshot. Idempotent. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      snapshot.close();
    }
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException("the transaction was committed or rolled back");
    }
  }
}
