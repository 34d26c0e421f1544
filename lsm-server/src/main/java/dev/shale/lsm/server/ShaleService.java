package dev.shale.lsm.server;

import com.google.protobuf.ByteString;
import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbIterator;
import dev.shale.lsm.api.DbStats;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ReadOptions;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.server.protocol.ErrorCodes;
import dev.shale.lsm.server.v1.CreateSnapshotRequest;
import dev.shale.lsm.server.v1.CreateSnapshotResponse;
import dev.shale.lsm.server.v1.DeleteRequest;
import dev.shale.lsm.server.v1.Expectation;
import dev.shale.lsm.server.v1.GetRequest;
import dev.shale.lsm.server.v1.GetResponse;
import dev.shale.lsm.server.v1.KeyValue;
import dev.shale.lsm.server.v1.Operation;
import dev.shale.lsm.server.v1.PutRequest;
import dev.shale.lsm.server.v1.ReleaseSnapshotRequest;
import dev.shale.lsm.server.v1.ReleaseSnapshotResponse;
import dev.shale.lsm.server.v1.ScanRequest;
import dev.shale.lsm.server.v1.ScanResponse;
import dev.shale.lsm.server.v1.ServerStats;
import dev.shale.lsm.server.v1.ShaleGrpc;
import dev.shale.lsm.server.v1.StatsRequest;
import dev.shale.lsm.server.v1.StatsResponse;
import dev.shale.lsm.server.v1.WriteOptions;
import dev.shale.lsm.server.v1.WriteRequest;
import dev.shale.lsm.server.v1.WriteResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code shale.v1.Shale} service over one Db: checks each request against the limits and the
 * caller's deadline, runs it, and maps failures to status codes through {@link ErrorCodes}.
 * Requests reach it admitted by {@link RequestAdmission} (memory, operation counts); it adds large
 * responses to the call's memory share, caps open scans per client and in total, closes scans whose
 * client stops reading, and bounds conditional writes. Thread-safe; gRPC calls it from many
 * threads.
 */
final class ShaleService extends ShaleGrpc.ShaleImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ShaleService.class);

  /** A scan chunk holds at most this many entries... */
  private static final int CHUNK_ENTRIES = 1024;

  /**
   * ...or about this many bytes, whichever comes first. Small, so that a scan whose client does not
   * read holds little: gRPC reports a call not ready once 32 KiB wait to be sent.
   */
  static final int CHUNK_BYTES = 64 * 1024;

  /** What an open scan reserves of the memory budget: a chunk being built and one being sent. */
  static final int SCAN_RESERVE = 3 * CHUNK_BYTES;

  private final Db db;
  private final SnapshotLeases snapshots;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final ClientQuotas scans;
  private final long scanIdleNanos;
  private final DbHealth health;
  private final Supplier<ServerStats> serverStats;
  private final MemoryBudget budget;
  private final Set<ScanPump> openScans = ConcurrentHashMap.newKeySet();
  private final ReentrantReadWriteLock writeLock = new ReentrantReadWriteLock();

  ShaleService(
      Db db,
      SnapshotLeases snapshots,
      int maxKeyBytes,
      int maxValueBytes,
      ClientQuotas scans,
      Duration scanIdleTimeout,
      DbHealth health,
      Supplier<ServerStats> serverStats,
      MemoryBudget budget) {
    this.db = db;
    this.snapshots = snapshots;
    this.maxKeyBytes = maxKeyBytes;
    this.maxValueBytes = maxValueBytes;
    this.scans = scans;
    this.scanIdleNanos = scanIdleTimeout.toNanos();
    this.health = health;
    this.serverStats = serverStats;
    this.budget = budget;
  }

  /** Scans open now. */
  int openScans() {
    return openScans.size();
  }

  /** A unary call's work: returns the response or throws. */
  private interface Work<R> {
    R run();
  }

  /** Runs {@code work} unless the caller gave up already, and answers with its outcome. */
  private <R> void unary(String method, StreamObserver<R> response, Work<R> work) {
    R result;
    try {
      checkNotExpired();
      result = work.run();
    } catch (RuntimeException | OutOfMemoryError e) {
      response.onError(failure(method, e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  private StatusRuntimeException failure(String method, Throwable e) {
    StatusRuntimeException status = ErrorCodes.toStatus(e);
    Status.Code code = status.getStatus().getCode();
    if (code == Status.Code.INTERNAL) {
      LOG.error("{} failed", method, e);
    } else if (code == Status.Code.DATA_LOSS) {
      LOG.error("{}: {}", method, e.getMessage());
    } else if (e instanceof OutOfMemoryError) {
      LOG.warn("{}: out of memory, answered RESOURCE_EXHAUSTED", method);
    }
    if (e instanceof StorageIOException || e instanceof FencedException) {
      health.refreshSoon(); // the Db may have turned read-only
    }
    return status;
  }

  /** Deadlines: work for a caller that already gave up is wasted, so it is not started. */
  private static void checkNotExpired() {
    Context context = Context.current();
    Deadline deadline = context.getDeadline();
    if (deadline != null && deadline.isExpired()) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("the deadline passed before the server started the call")
          .asRuntimeException();
    }
    if (context.isCancelled()) {
      throw Status.CANCELLED.withDescription("the client cancelled the call").asRuntimeException();
    }
  }

  /** Adds {@code bytes} of response to the current call's memory share, or refuses the call. */
  private static void reserve(long bytes, String what) {
    RequestAdmission.CallMemory memory = RequestAdmission.MEMORY.get();
    if (memory != null) {
      memory.reserve(bytes, what);
    }
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    unary(
        "Get",
        response,
        () -> {
          byte[] key = key("key", request.getKey());
          SnapshotLeases.Lease lease = lease(request.getSnapshotId());
          byte[] value;
          try {
            value =
                lease == null
                    ? db.get(key)
                    : db.get(key, ReadOptions.defaults().withSnapshot(lease.snapshot));
          } finally {
            snapshots.done(lease);
          }
          if (value == null) {
            return GetResponse.getDefaultInstance();
          }
          // The response holds the value twice (message, then the transport's buffer) until sent.
          reserve(2L * value.length, "a value of " + value.length + " bytes");
          return GetResponse.newBuilder()
              .setFound(true)
              .setValue(ByteString.copyFrom(value))
              .build();
        });
  }

  @Override
  public void put(PutRequest request, StreamObserver<WriteResponse> response) {
    unary(
        "Put",
        response,
        () -> {
          byte[] key = key("key", request.getKey());
          byte[] value = value(request.getValue());
          dev.shale.lsm.api.WriteOptions options = writeOptions(request.getOptions());
          shared(() -> db.put(key, value, options));
          return WriteResponse.getDefaultInstance();
        });
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<WriteResponse> response) {
    unary(
        "Delete",
        response,
        () -> {
          byte[] key = key("key", request.getKey());
          dev.shale.lsm.api.WriteOptions options = writeOptions(request.getOptions());
          shared(() -> db.delete(key, options));
          return WriteResponse.getDefaultInstance();
        });
  }

  @Override
  public void write(WriteRequest request, StreamObserver<WriteResponse> response) {
    unary(
        "Write",
        response,
        () -> {
          dev.shale.lsm.api.WriteOptions options = writeOptions(request.getOptions());
          if (request.getExpectationsCount() == 0) {
            WriteBatch batch = batch(request);
            shared(() -> db.write(batch, options));
          } else {
            conditionalWrite(request, options);
          }
          return WriteResponse.getDefaultInstance();
        });
  }

  /**
   * A compare-and-set over several keys: the expectations are checked and the batch written while
   * holding {@link #writeLock} exclusively, which every other write through this service holds
   * shared, so no write through the server lands between the check and the write. (The Db's own
   * transactions would also cover writers that bypass the server; they need lsm-txn, which this
   * does not require.) The time under the lock is bounded by the cap on expectations ({@link
   * RequestAdmission} refuses longer lists before parsing); everything that needs no lock (keys
   * checked, batch built, values compared first without the lock so that a stale commit fails
   * without blocking anyone) is done before it is taken.
   */
  private void conditionalWrite(WriteRequest request, dev.shale.lsm.api.WriteOptions options) {
    WriteBatch batch = batch(request);
    List<byte[]> keys = new ArrayList<>(request.getExpectationsCount());
    for (Expectation expectation : request.getExpectationsList()) {
      keys.add(key("expectation key", expectation.getKey()));
    }
    checkExpectations(request, keys); // without the lock: most stale commits end here
    writeLock.writeLock().lock();
    try {
      checkExpectations(request, keys);
      db.write(batch, options);
    } finally {
      writeLock.writeLock().unlock();
    }
  }

  private void checkExpectations(WriteRequest request, List<byte[]> keys) {
    for (int i = 0; i < keys.size(); i++) {
      Expectation expectation = request.getExpectations(i);
      byte[] key = keys.get(i);
      byte[] current = db.get(key);
      boolean holds =
          expectation.getPresent()
              ? current != null && expectation.getValue().equals(ByteString.copyFrom(current))
              : current == null;
      if (!holds) {
        throw new TransactionConflictException(
            "key 0x"
                + HexFormat.of().formatHex(key, 0, Math.min(key.length, 64))
                + (expectation.getPresent()
                    ? " no longer holds the value read"
                    : " was written since it was read as absent")
                + "; nothing was written: read again and retry");
      }
    }
  }

  private WriteBatch batch(WriteRequest request) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < request.getOperationsCount(); i++) {
      Operation op = request.getOperations(i);
      switch (op.getOpCase()) {
        case PUT -> batch.put(key("key", op.getPut().getKey()), value(op.getPut().getValue()));
        case DELETE -> batch.delete(key("key", op.getDelete().getKey()));
        case OP_NOT_SET ->
            throw ErrorCodes.invalidArgument("operation " + i + " is neither put nor delete");
      }
    }
    return batch;
  }

  /** Runs a plain write, shared with other plain writes, exclusive of conditional writes. */
  private void shared(Runnable write) {
    writeLock.readLock().lock();
    try {
      write.run();
    } finally {
      writeLock.readLock().unlock();
    }
  }

  @Override
  public void scan(ScanRequest request, StreamObserver<ScanResponse> response) {
    ServerCallStreamObserver<ScanResponse> call = (ServerCallStreamObserver<ScanResponse>) response;
    Caller caller = Caller.current();
    ClientQuotas.Refusal refusal = scans.tryAcquire(caller.clientKey());
    if (refusal != null) {
      response.onError(
          ErrorCodes.overloaded(
              refusal == ClientQuotas.Refusal.CLIENT
                  ? "this client has " + scans.perClient() + " scans open, its limit: close some"
                  : "the server has " + scans.total() + " scans open, its limit",
              Duration.ofSeconds(1)));
      return;
    }
    // The scan's own share of the budget, released when the scan ends (even if the stream then
    // waits for a client that does not read to take what is already sent).
    MemoryBudget.Permit permit = budget.tryAcquire(SCAN_RESERVE);
    if (permit == null) {
      scans.release(caller.clientKey());
      response.onError(
          ErrorCodes.overloaded(
              "the server's memory budget has no room for another scan now",
              RequestAdmission.MEMORY_RETRY));
      return;
    }
    SnapshotLeases.Lease lease = null;
    DbIterator iterator;
    try {
      checkNotExpired();
      ReadOptions options =
          ReadOptions.defaults()
              .withLowerBound(bound("lower_bound", request.getLowerBound()))
              .withUpperBound(bound("upper_bound", request.getUpperBound()))
              .withPrefix(bound("prefix", request.getPrefix()))
              .withFillCache(false);
      lease = lease(request.getSnapshotId());
      if (lease != null) {
        options = options.withSnapshot(lease.snapshot);
      }
      iterator = db.iterator(options);
    } catch (RuntimeException | OutOfMemoryError e) {
      snapshots.done(lease);
      scans.release(caller.clientKey());
      permit.close();
      response.onError(failure("Scan", e));
      return;
    }
    long limit = request.getLimit() == 0 ? Long.MAX_VALUE : request.getLimit();
    ScanPump pump = new ScanPump(call, iterator, limit, lease, caller.clientKey(), permit);
    openScans.add(pump);
    call.setOnCancelHandler(pump::finish);
    call.setOnReadyHandler(pump::run);
    pump.start();
  }

  /** Ends, with ABORTED, every scan whose client has not taken a chunk for the idle timeout. */
  void closeIdleScans() {
    long now = System.nanoTime();
    for (ScanPump pump : openScans) {
      pump.expireIfIdle(now);
    }
  }

  /**
   * Sends a scan in chunks as fast as the client takes them (gRPC flow control: it sends while the
   * call is ready and resumes on the next ready signal), so a slow client never makes the server
   * buffer more than a chunk or two. A scan whose client takes nothing for the idle timeout is
   * ended, releasing its iterator (and the memtables and tables it pins) and its snapshot. The
   * ready and cancel handlers and the idle check may run on different threads, so every method
   * holds the pump's monitor.
   */
  private final class ScanPump {
    private final ServerCallStreamObserver<ScanResponse> call;
    private final DbIterator iterator;
    private final SnapshotLeases.@Nullable Lease lease;
    private final String clientKey;
    private final MemoryBudget.Permit permit;
    private long remaining;
    private boolean finished;
    private long lastProgressNanos = System.nanoTime();
    private long reserved = SCAN_RESERVE;

    ScanPump(
        ServerCallStreamObserver<ScanResponse> call,
        DbIterator iterator,
        long limit,
        SnapshotLeases.@Nullable Lease lease,
        String clientKey,
        MemoryBudget.Permit permit) {
      this.call = call;
      this.permit = permit;
      this.iterator = iterator;
      this.remaining = limit;
      this.lease = lease;
      this.clientKey = clientKey;
    }

    synchronized void start() {
      try {
        iterator.seekToFirst();
      } catch (RuntimeException | OutOfMemoryError e) {
        fail(e);
        return;
      }
      run();
    }

    synchronized void run() {
      try {
        while (!finished && call.isReady()) {
          if (call.isCancelled()) {
            finish();
            return;
          }
          ScanResponse.Builder chunk = ScanResponse.newBuilder();
          int bytes = 0;
          while (remaining > 0
              && iterator.isValid()
              && chunk.getEntriesCount() < CHUNK_ENTRIES
              && bytes < CHUNK_BYTES) {
            byte[] key = iterator.key();
            byte[] value = iterator.value();
            long entry = key.length + value.length;
            if (bytes == 0 && 3 * entry > reserved) {
              // A chunk of one large entry: it is held about three times (arrays, message,
              // transport buffer) until sent.
              if (!permit.tryGrow(3 * entry - reserved)) {
                throw ErrorCodes.overloaded(
                    "a scanned entry of "
                        + entry
                        + " bytes needs more than the server's memory budget has free now; scan"
                        + " again from its key",
                    RequestAdmission.MEMORY_RETRY);
              }
              reserved = 3 * entry;
            } else if (bytes + entry > CHUNK_BYTES && bytes > 0) {
              break;
            }
            chunk.addEntries(
                KeyValue.newBuilder()
                    .setKey(ByteString.copyFrom(key))
                    .setValue(ByteString.copyFrom(value)));
            bytes += (int) entry;
            remaining--;
            iterator.next();
          }
          boolean last = remaining == 0 || !iterator.isValid();
          if (chunk.getEntriesCount() > 0) {
            call.onNext(chunk.build());
            lastProgressNanos = System.nanoTime();
          }
          if (last) {
            finish();
            call.onCompleted();
            return;
          }
        }
      } catch (RuntimeException | OutOfMemoryError e) {
        fail(e);
      }
    }

    synchronized void expireIfIdle(long now) {
      if (finished || now - lastProgressNanos < scanIdleNanos) {
        return;
      }
      finish();
      LOG.debug(
          "scan of {} closed: its client read nothing for {} ms",
          clientKey,
          scanIdleNanos / 1_000_000);
      if (!call.isCancelled()) {
        call.onError(
            Status.ABORTED
                .withDescription(
                    "the scan was closed because the client read nothing for "
                        + TimeUnit.NANOSECONDS.toMillis(scanIdleNanos)
                        + " ms (it pinned a snapshot and memory); scan again from the last key read")
                .asRuntimeException());
      }
    }

    private void fail(Throwable e) {
      boolean wasFinished = finished;
      finish();
      if (!wasFinished && !call.isCancelled()) {
        call.onError(failure("Scan", e));
      }
    }

    /** Closes the iterator and ends the snapshot use and the scan's reservation; idempotent. */
    synchronized void finish() {
      if (finished) {
        return;
      }
      finished = true;
      openScans.remove(this);
      scans.release(clientKey);
      permit.close();
      try {
        iterator.close();
      } finally {
        snapshots.done(lease);
      }
    }
  }

  @Override
  public void createSnapshot(
      CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> response) {
    unary(
        "CreateSnapshot",
        response,
        () -> {
          SnapshotLeases.Lease lease = snapshots.create(Caller.current());
          return CreateSnapshotResponse.newBuilder()
              .setSnapshotId(lease.id)
              .setSequence(lease.snapshot.sequence())
              .setLeaseMillis(TimeUnit.NANOSECONDS.toMillis(snapshots.leaseNanos()))
              .build();
        });
  }

  @Override
  public void releaseSnapshot(
      ReleaseSnapshotRequest request, StreamObserver<ReleaseSnapshotResponse> response) {
    unary(
        "ReleaseSnapshot",
        response,
        () -> {
          snapshots.release(request.getSnapshotId(), Caller.current());
          return ReleaseSnapshotResponse.getDefaultInstance();
        });
  }

  @Override
  public void stats(StatsRequest request, StreamObserver<StatsResponse> response) {
    unary(
        "Stats",
        response,
        () -> {
          DbStats stats = db.stats();
          return StatsResponse.newBuilder()
              .setDb(dev.shale.lsm.server.protocol.StatsMessages.toProto(stats))
              .setServer(serverStats.get())
              .build();
        });
  }

  private SnapshotLeases.@Nullable Lease lease(long snapshotId) {
    return snapshotId == 0 ? null : snapshots.acquire(snapshotId, Caller.current());
  }

  private byte[] key(String what, ByteString key) {
    if (key.isEmpty()) {
      throw ErrorCodes.invalidArgument(what + " is empty; keys are 1 to " + maxKeyBytes + " bytes");
    }
    if (key.size() > maxKeyBytes) {
      throw ErrorCodes.invalidArgument(
          what + " is " + key.size() + " bytes, over the server's limit of " + maxKeyBytes);
    }
    return key.toByteArray();
  }

  private byte[] value(ByteString value) {
    if (value.size() > maxValueBytes) {
      throw ErrorCodes.invalidArgument(
          "value is " + value.size() + " bytes, over the server's limit of " + maxValueBytes);
    }
    return value.toByteArray();
  }

  private byte @Nullable [] bound(String what, ByteString bound) {
    if (bound.isEmpty()) {
      return null;
    }
    if (bound.size() > maxKeyBytes) {
      throw ErrorCodes.invalidArgument(
          what + " is " + bound.size() + " bytes, over the key limit of " + maxKeyBytes);
    }
    return bound.toByteArray();
  }

  private static dev.shale.lsm.api.WriteOptions writeOptions(WriteOptions options) {
    dev.shale.lsm.api.Durability durability =
        switch (options.getDurability()) {
          case DURABILITY_DEFAULT -> null;
          case DURABILITY_MEMORY -> dev.shale.lsm.api.Durability.MEMORY;
          case DURABILITY_LOCAL -> dev.shale.lsm.api.Durability.LOCAL;
          case DURABILITY_REMOTE -> dev.shale.lsm.api.Durability.REMOTE;
          case UNRECOGNIZED ->
              throw ErrorCodes.invalidArgument(
                  "unknown durability " + options.getDurabilityValue() + " (a newer client?)");
        };
    return new dev.shale.lsm.api.WriteOptions(durability, options.getNoSlowdown());
  }
}
