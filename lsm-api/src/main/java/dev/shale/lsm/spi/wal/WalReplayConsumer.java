package dev.shale.lsm.spi.wal;

import dev.shale.lsm.api.WriteBatch;

/** Receives the records of a log during {@link WriteAheadLog#replay}, oldest first. */
@FunctionalInterface
public interface WalReplayConsumer {

  /**
   * One intact record: a whole batch whose operations have sequence numbers {@code firstSequence}
   * onwards. The batch belongs to the consumer.
   */
  void accept(long firstSequence, WriteBatch batch);
}
