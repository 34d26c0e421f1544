package dev.shale.lsm.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.WireFormat;
import dev.shale.lsm.server.protocol.ErrorCodes;
import dev.shale.lsm.server.protocol.RequestSize;
import dev.shale.lsm.server.v1.ShaleGrpc;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Admission control of the {@code shale.v1.Shale} service: every request reaches the service as
 * bytes, and before they are copied or parsed the call acquires their estimated cost from the
 * {@link MemoryBudget}; a request that does not fit is answered {@code RESOURCE_EXHAUSTED} with a
 * retry hint. A {@code Write} is scanned (without allocating) for its number of operations and
 * expectations, which are checked against their limits before it is parsed, since a message of tiny
 * operations costs far more parsed than on the wire. Parsing aliases the received bytes, so keys
 * and values are not copied again; a message that is not valid protobuf is answered {@code
 * INVALID_ARGUMENT}, and running out of heap while parsing {@code RESOURCE_EXHAUSTED} (gRPC would
 * say {@code UNKNOWN} for both). The permit is held until the call ends (its response sent or the
 * call cancelled); the service adds to it for large responses through {@link #MEMORY}. Thread-safe.
 */
final class RequestAdmission {
  /** The memory of the current call, for the service to add response bytes to. */
  static final Context.Key<CallMemory> MEMORY = Context.key("shale-call-memory");

  /**
   * What a parsed operation or expectation costs beyond its bytes: the objects protobuf makes for
   * it (message, nested message, two aliased ByteStrings, a list slot), measured at about 180
   * bytes.
   */
  static final int ELEMENT_OVERHEAD = 200;

  /**
   * A write's bytes are held about three times while it runs: the received message (which parsing
   * aliases), the keys and values copied out of it, and the batch they are copied into.
   */
  static final int WRITE_COPIES = 3;

  /** Fixed cost of any call (headers, call objects, a small response). */
  static final int CALL_OVERHEAD = 2048;

  /** The retry hint for a request refused for memory: in-flight requests end within about this. */
  static final Duration MEMORY_RETRY = Duration.ofMillis(200);

  private final MemoryBudget budget;
  private final LargeWriteLane largeWrites;
  private final int maxOperations;
  private final int maxExpectations;
  private final AtomicInteger inFlight = new AtomicInteger();

  RequestAdmission(
      MemoryBudget budget, LargeWriteLane largeWrites, int maxOperations, int maxExpectations) {
    this.budget = budget;
    this.largeWrites = largeWrites;
    this.maxOperations = maxOperations;
    this.maxExpectations = maxExpectations;
  }

  /** Calls of the service running now. */
  int callsInFlight() {
    return inFlight.get();
  }

  /** The memory held by one call: the request's permit, which the service may grow. */
  static final class CallMemory {
    private volatile MemoryBudget.@Nullable Permit permit;
    private volatile Runnable leaveLane = () -> {};

    /**
     * Adds {@code bytes} (a response about to be sent) to the call's share.
     *
     * @throws StatusRuntimeException RESOURCE_EXHAUSTED when the budget does not have them
     */
    void reserve(long bytes, String what) {
      MemoryBudget.Permit p = permit;
      if (p != null && !p.tryGrow(bytes)) {
        throw ErrorCodes.overloaded(
            what + " needs " + bytes + " bytes, more than the server's memory budget has free now",
            MEMORY_RETRY);
      }
    }

    void release() {
      leaveLane.run();
      leaveLane = () -> {};
      MemoryBudget.Permit p = permit;
      if (p != null) {
        p.close();
      }
    }
  }

  /** The service with every method's requests admitted as described above. */
  ServerServiceDefinition wrap(ServerServiceDefinition service) {
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    io.grpc.ServiceDescriptor original = service.getServiceDescriptor();
    io.grpc.ServiceDescriptor.Builder descriptor =
        io.grpc.ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor()); // for server reflection
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> admitted = wrapMethod(method);
      methods.add(admitted);
      descriptor.addMethod(admitted.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder wrapped = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(wrapped::addMethod);
    return wrapped.build();
  }

  private <Q, R> ServerMethodDefinition<InputStream, R> wrapMethod(
      ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> original = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, R> bytes =
        original.toBuilder(RawMarshaller.INSTANCE, original.getResponseMarshaller()).build();
    @SuppressWarnings("unchecked")
    MessageLite prototype =
        (MessageLite)
            Objects.requireNonNull(
                ((MethodDescriptor.PrototypeMarshaller<Q>) original.getRequestMarshaller())
                    .getMessagePrototype());
    boolean isWrite =
        original.getFullMethodName().equals(ShaleGrpc.getWriteMethod().getFullMethodName());
    boolean isPut =
        original.getFullMethodName().equals(ShaleGrpc.getPutMethod().getFullMethodName());
    ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
    ServerCallHandler<InputStream, R> admitted =
        (call, headers) -> {
          Object connection = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
          if (isPut || isWrite) {
            StatusRuntimeException early =
                largeWrites.refuseEarly(connection, RequestSize.declared(headers));
            if (early != null) {
              // Refused before the request is asked for: its bytes are never read.
              Metadata trailers = early.getTrailers();
              call.close(early.getStatus(), trailers == null ? new Metadata() : trailers);
              return new ServerCall.Listener<>() {};
            }
          }
          CallMemory memory = new CallMemory();
          Context context = Context.current().withValue(MEMORY, memory);
          ServerCall<Q, R> typed = new TypedCall<>(call, original);
          ServerCall.Listener<Q> listener;
          Context previous = context.attach();
          try {
            listener = handler.startCall(typed, headers);
          } finally {
            context.detach(previous);
          }
          inFlight.incrementAndGet();
          return new AdmittingListener<>(
              call, listener, context, memory, prototype, isWrite, isPut || isWrite, connection);
        };
    return ServerMethodDefinition.create(bytes, admitted);
  }

  /** Turns the received bytes into the request, or closes the call with why not. */
  private final class AdmittingListener<Q, R> extends ServerCall.Listener<InputStream> {
    private final ServerCall<InputStream, R> call;
    private final ServerCall.Listener<Q> delegate;
    private final Context context;
    private final CallMemory memory;
    private final MessageLite prototype;
    private final boolean isWrite;
    private final boolean carriesData;
    private final @Nullable Object connection;
    private boolean closedHere;
    private boolean ended;

    AdmittingListener(
        ServerCall<InputStream, R> call,
        ServerCall.Listener<Q> delegate,
        Context context,
        CallMemory memory,
        MessageLite prototype,
        boolean isWrite,
        boolean carriesData,
        @Nullable Object connection) {
      this.call = call;
      this.connection = connection;
      this.delegate = delegate;
      this.context = context;
      this.memory = memory;
      this.prototype = prototype;
      this.isWrite = isWrite;
      this.carriesData = carriesData;
    }

    @Override
    public void onMessage(InputStream message) {
      if (closedHere) {
        closeQuietly(message);
        return;
      }
      Q request;
      try {
        request = admit(message);
      } catch (StatusRuntimeException e) {
        closedHere = true;
        Metadata trailers = e.getTrailers();
        call.close(e.getStatus(), trailers == null ? new Metadata() : trailers);
        return;
      } finally {
        closeQuietly(message);
      }
      Context previous = context.attach();
      try {
        delegate.onMessage(request);
      } finally {
        context.detach(previous);
      }
    }

    @SuppressWarnings("unchecked")
    private Q admit(InputStream message) {
      int size;
      try {
        size = message instanceof KnownLength ? message.available() : -1;
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("cannot read the request").asRuntimeException();
      }
      if (carriesData) {
        memory.leaveLane = largeWrites.enter(connection, size);
      }
      MemoryBudget.Permit permit =
          budget.tryAcquire(CALL_OVERHEAD + (long) Math.max(size, 0) * (carriesData ? 2 : 1));
      if (permit == null) {
        memory.release();
        throw refused(size);
      }
      memory.permit = permit;
      try {
        byte[] bytes = size >= 0 ? message.readNBytes(size) : message.readAllBytes();
        long extra = size < 0 ? (long) bytes.length * (carriesData ? 2 : 1) : 0;
        if (isWrite) {
          long elements = countElements(bytes);
          extra += elements * ELEMENT_OVERHEAD + (long) bytes.length * (WRITE_COPIES - 2);
        } else if (carriesData) {
          extra += (long) bytes.length * (WRITE_COPIES - 2);
        }
        if (extra > 0 && !permit.tryGrow(extra)) {
          throw refused(bytes.length);
        }
        CodedInputStream input = CodedInputStream.newInstance(bytes);
        input.enableAliasing(true);
        return (Q) prototype.getParserForType().parseFrom(input);
      } catch (InvalidProtocolBufferException e) {
        throw ErrorCodes.invalidArgument(
            "the request is not a valid "
                + prototype.getClass().getSimpleName()
                + " message ("
                + e.getMessage()
                + "); is the client built from shale.v1's shale.proto?");
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("cannot read the request: " + e.getMessage())
            .asRuntimeException();
      } catch (OutOfMemoryError e) {
        throw ErrorCodes.overloaded(
            "the server ran out of memory reading a request of " + size + " bytes", MEMORY_RETRY);
      }
    }

    private StatusRuntimeException refused(int size) {
      return ErrorCodes.overloaded(
          "the server holds "
              + (budget.used() >> 10)
              + " KiB of its "
              + (budget.limit() >> 10)
              + " KiB memory budget for requests in flight, too much to take this "
              + (size < 0 ? "" : size + "-byte ")
              + "request now",
          MEMORY_RETRY);
    }

    /** Counts operations and expectations of a WriteRequest and checks them against the limits. */
    private long countElements(byte[] bytes) throws IOException {
      CodedInputStream input = CodedInputStream.newInstance(bytes);
      long operations = 0;
      long expectations = 0;
      while (true) {
        int tag = input.readTag();
        if (tag == 0) {
          break;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == 1) {
          operations++;
        } else if (field == 3) {
          expectations++;
        }
        if (!input.skipField(tag)) {
          break;
        }
      }
      if (operations > maxOperations) {
        throw ErrorCodes.invalidArgument(
            "the write has "
                + operations
                + " operations, over the server's limit of "
                + maxOperations
                + "; split it into smaller batches");
      }
      if (expectations > maxExpectations) {
        throw ErrorCodes.invalidArgument(
            "the conditional write has "
                + expectations
                + " expectations, over the server's limit of "
                + maxExpectations
                + "; check fewer keys per commit");
      }
      return operations + expectations;
    }

    @Override
    public void onHalfClose() {
      if (closedHere) {
        return;
      }
      run(delegate::onHalfClose);
    }

    @Override
    public void onReady() {
      if (closedHere) {
        return;
      }
      run(delegate::onReady);
    }

    @Override
    public void onCancel() {
      end();
      run(delegate::onCancel);
    }

    @Override
    public void onComplete() {
      end();
      run(delegate::onComplete);
    }

    private void end() {
      if (!ended) {
        ended = true;
        memory.release();
        inFlight.decrementAndGet();
      }
    }

    private void run(Runnable event) {
      Context previous = context.attach();
      try {
        event.run();
      } finally {
        context.detach(previous);
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // a transport buffer: nothing to do
    }
  }

  /** The call as the service sees it: typed requests, the original method descriptor. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> call;
    private final MethodDescriptor<Q, R> method;

    TypedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
      this.call = call;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      call.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public @Nullable String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }

  /** Passes the request bytes through unparsed. */
  private enum RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    /** The transport's stream itself: it is read in the listener, before the call returns. */
    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
