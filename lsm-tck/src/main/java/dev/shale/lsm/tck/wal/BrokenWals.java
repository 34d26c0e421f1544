package dev.shale.lsm.tck.wal;

import dev.shale.lsm.api.WalRecoveryMode;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.spi.wal.WalCapability;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WalReplayConsumer;
import dev.shale.lsm.spi.wal.WalReplayResult;
import dev.shale.lsm.spi.wal.WalSegment;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken write-ahead logs: wrappers around any {@link WalProvider} that each break one
 * promise while claiming the delegate's name and capabilities. Run {@link WalConformanceTest}
 * against each to check that the suite notices (a suite that passes a broken log proves nothing).
 * Thread-safety is the delegate's.
 */
public final class BrokenWals {
  private BrokenWals() {}

  /** {@code sync()} only flushes: nothing reaches the device, yet DURABLE_SYNC is still claimed. */
  public static WalProvider noFsync(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public void sync() throws IOException {
                log.flush();
              }
            });
  }

  /**
   * Replay under {@code ABSOLUTE_CONSISTENCY} silently behaves like {@code
   * TOLERATE_CORRUPTED_TAIL}: a torn record is accepted and cut off instead of failing the open.
   */
  public static WalProvider acceptsTornRecord(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public WalReplayResult replay(
                  long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer)
                  throws IOException {
                WalRecoveryMode lenient =
                    mode == WalRecoveryMode.ABSOLUTE_CONSISTENCY
                            && delegate.capabilities().contains(WalCapability.RECOVERY_MODES)
                        ? WalRecoveryMode.TOLERATE_CORRUPTED_TAIL
                        : mode;
                return log.replay(afterSequence, lenient, consumer);
              }
            });
  }

  /**
   * {@code scan} repairs like a salvaging replay (the way an inspection tool that replays in
   * SKIP_CORRUPTED mode rewrites a damaged log it was only asked to read).
   */
  public static WalProvider scanRepairs(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public WalReplayResult scan(long afterSequence, WalReplayConsumer consumer)
                  throws IOException {
                return delegate.capabilities().contains(WalCapability.RECOVERY_MODES)
                    ? log.replay(afterSequence, WalRecoveryMode.SKIP_CORRUPTED, consumer)
                    : log.scan(afterSequence, consumer);
              }
            });
  }

  /** Replay withholds the last record it reads. */
  public static WalProvider dropsLastRecord(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public WalReplayResult replay(
                  long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer)
                  throws IOException {
                List<Held> held = new ArrayList<>();
                WalReplayResult result =
                    log.replay(
                        afterSequence, mode, (first, batch) -> held.add(new Held(first, batch)));
                for (int i = 0; i < held.size() - 1; i++) {
                  consumer.accept(held.get(i).first(), held.get(i).batch());
                }
                return result;
              }
            });
  }

  /** Replay hands the last two records over in the wrong order. */
  public static WalProvider swapsLastTwoRecords(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public WalReplayResult replay(
                  long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer)
                  throws IOException {
                List<Held> held = new ArrayList<>();
                WalReplayResult result =
                    log.replay(
                        afterSequence, mode, (first, batch) -> held.add(new Held(first, batch)));
                int n = held.size();
                if (n >= 2) {
                  Held last = held.get(n - 1);
                  held.set(n - 1, held.get(n - 2));
                  held.set(n - 2, last);
                }
                for (Held record : held) {
                  consumer.accept(record.first(), record.batch());
                }
                return result;
              }
            });
  }

  /** Replay hands over every record, ignoring {@code afterSequence}. */
  public static WalProvider ignoresAfterSequence(WalProvider delegate) {
    return wrap(
        delegate,
        log ->
            new ForwardingLog(log) {
              @Override
              public WalReplayResult replay(
                  long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer)
                  throws IOException {
                return log.replay(-1, mode, consumer);
              }
            });
  }

  /** A record held back during replay. */
  private record Held(long first, WriteBatch batch) {}

  /**
   * Declares no capability yet behaves exactly as the delegate, so a lenient recovery mode that an
   * undeclared RECOVERY_MODES obliges it to refuse is accepted. Also shows that the suite skips,
   * rather than fails, what a provider does not claim.
   */
  public static WalProvider hidesCapabilities(WalProvider delegate) {
    return new WalProvider() {
      @Override
      public String name() {
        return delegate.name();
      }

      @Override
      public Set<WalCapability> capabilities() {
        return Set.of();
      }

      @Override
      public WriteAheadLog open(WalOptions options) throws IOException {
        return delegate.open(options);
      }
    };
  }

  private static WalProvider wrap(WalProvider delegate, UnaryOperator<WriteAheadLog> breaker) {
    return new WalProvider() {
      @Override
      public String name() {
        return delegate.name();
      }

      @Override
      public Set<WalCapability> capabilities() {
        return delegate.capabilities();
      }

      @Override
      public WriteAheadLog open(WalOptions options) throws IOException {
        return breaker.apply(delegate.open(options));
      }
    };
  }

  /** Passes every call to the wrapped log; the breakers override one method. */
  private static class ForwardingLog implements WriteAheadLog {
    private final WriteAheadLog log;

    ForwardingLog(WriteAheadLog log) {
      this.log = log;
    }

    @Override
    public WalReplayResult replay(
        long afterSequence, WalRecoveryMode mode, WalReplayConsumer consumer) throws IOException {
      return log.replay(afterSequence, mode, consumer);
    }

    @Override
    public WalReplayResult scan(long afterSequence, WalReplayConsumer consumer) throws IOException {
      return log.scan(afterSequence, consumer);
    }

    @Override
    public void append(long firstSequence, WriteBatch batch) throws IOException {
      log.append(firstSequence, batch);
    }

    @Override
    public void flush() throws IOException {
      log.flush();
    }

    @Override
    public void sync() throws IOException {
      log.sync();
    }

    @Override
    public long roll() throws IOException {
      return log.roll();
    }

    @Override
    public long activeSegmentId() {
      return log.activeSegmentId();
    }

    @Override
    public void deleteSegmentsBefore(long segmentId) throws IOException {
      log.deleteSegmentsBefore(segmentId);
    }

    @Override
    public List<WalSegment> segments() {
      return log.segments();
    }

    @Override
    public long bytesWritten() {
      return log.bytesWritten();
    }

    @Override
    public void close() throws IOException {
      log.close();
    }
  }
}
