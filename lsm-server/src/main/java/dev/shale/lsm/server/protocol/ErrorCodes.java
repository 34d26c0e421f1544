package dev.shale.lsm.server.protocol;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.api.StorageIOException;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteStallException;
import dev.shale.lsm.client.ServerBusyException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Maps engine exceptions to gRPC statuses on the server and back to the same exception types on the
 * client. The status code is what any gRPC client sees; a {@code shale-error} trailer names the
 * exception type exactly (two types share {@code UNAVAILABLE}), and corruption and fencing carry
 * their fields in trailers of their own. Stateless and thread-safe.
 */
public final class ErrorCodes {
  /** The exception type, as one of the {@code KIND_*} names. */
  public static final Metadata.Key<String> KIND =
      Metadata.Key.of("shale-error", Metadata.ASCII_STRING_MARSHALLER);

  private static final Metadata.Key<String> CORRUPT_FILE =
      Metadata.Key.of("shale-corruption-file", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CORRUPT_OFFSET =
      Metadata.Key.of("shale-corruption-offset", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> OWN_EPOCH =
      Metadata.Key.of("shale-fenced-own-epoch", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> NEWER_EPOCH =
      Metadata.Key.of("shale-fenced-newer-epoch", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * How long to wait before retrying a call refused for load, in milliseconds: the trailer gRPC's
   * own retry policy reads (gRFC A6).
   */
  public static final Metadata.Key<String> RETRY_PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  static final String KIND_ARGUMENT = "illegal-argument";
  static final String KIND_CLOSED = "closed";
  static final String KIND_CORRUPTION = "corruption";
  static final String KIND_FENCED = "fenced";
  static final String KIND_STALL = "write-stall";
  static final String KIND_CONFLICT = "conflict";
  static final String KIND_STORAGE = "storage";
  static final String KIND_UNSUPPORTED = "unsupported";
  static final String KIND_OVERLOADED = "overloaded";

  private ErrorCodes() {}

  /**
   * The status for {@code failure} thrown by the Db: {@code DATA_LOSS} for corruption, {@code
   * FAILED_PRECONDITION} when fenced, {@code RESOURCE_EXHAUSTED} for a write stall or an {@link
   * OutOfMemoryError} (see {@link #overloaded}), {@code ABORTED} for a transaction conflict, {@code
   * INVALID_ARGUMENT} for a bad argument, {@code UNAVAILABLE} when closed or storage failed, {@code
   * UNIMPLEMENTED} for an unsupported feature, {@code INTERNAL} for anything else (a bug, which the
   * caller should log).
   */
  public static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException s) {
      return s;
    }
    Metadata trailers = new Metadata();
    Status status;
    String kind;
    switch (failure) {
      case CorruptionException e -> {
        status = Status.DATA_LOSS;
        kind = KIND_CORRUPTION;
        trailers.put(CORRUPT_FILE, ascii(e.file()));
        trailers.put(CORRUPT_OFFSET, Long.toString(e.offset()));
      }
      case FencedException e -> {
        status = Status.FAILED_PRECONDITION;
        kind = KIND_FENCED;
        trailers.put(OWN_EPOCH, Long.toString(e.ownEpoch()));
        trailers.put(NEWER_EPOCH, Long.toString(e.newerEpoch()));
      }
      case WriteStallException e -> {
        status = Status.RESOURCE_EXHAUSTED;
        kind = KIND_STALL;
      }
      case TransactionConflictException e -> {
        status = Status.ABORTED;
        kind = KIND_CONFLICT;
      }
      case StorageIOException e -> {
        status = Status.UNAVAILABLE;
        kind = KIND_STORAGE;
      }
      case IllegalArgumentException e -> {
        status = Status.INVALID_ARGUMENT;
        kind = KIND_ARGUMENT;
      }
      case IllegalStateException e -> {
        status = Status.UNAVAILABLE;
        kind = KIND_CLOSED;
      }
      case UnsupportedOperationException e -> {
        status = Status.UNIMPLEMENTED;
        kind = KIND_UNSUPPORTED;
      }
      case OutOfMemoryError e -> {
        return overloaded("the server ran short of memory for this call", Duration.ofSeconds(1));
      }
      default -> {
        return Status.INTERNAL
            .withDescription("internal error: " + failure)
            .withCause(failure)
            .asRuntimeException();
      }
    }
    trailers.put(KIND, kind);
    String message = failure.getMessage();
    return status
        .withDescription(message == null ? failure.getClass().getSimpleName() : message)
        .asRuntimeException(trailers);
  }

  /**
   * A {@code RESOURCE_EXHAUSTED} status for a call refused because the server is at a limit (memory
   * for requests in flight, open scans, snapshots), with {@code retryAfter} in the {@link
   * #RETRY_PUSHBACK} trailer and in the message; the client turns it into {@link
   * ServerBusyException}.
   */
  public static StatusRuntimeException overloaded(String message, Duration retryAfter) {
    Metadata trailers = new Metadata();
    trailers.put(KIND, KIND_OVERLOADED);
    trailers.put(RETRY_PUSHBACK, Long.toString(retryAfter.toMillis()));
    return Status.RESOURCE_EXHAUSTED
        .withDescription(message + "; retry in " + retryAfter.toMillis() + " ms")
        .asRuntimeException(trailers);
  }

  /** An {@code INVALID_ARGUMENT} status that the client turns into IllegalArgumentException. */
  public static StatusRuntimeException invalidArgument(String message) {
    return toStatus(new IllegalArgumentException(message));
  }

  /**
   * The exception the Db would have thrown for {@code e}: the same type for a status made by {@link
   * #toStatus}; for a status without the trailer (a transport failure, a deadline, a proxy) an
   * exception chosen by its code, with {@code e} as the cause.
   */
  public static RuntimeException toException(StatusRuntimeException e) {
    Status status = e.getStatus();
    Metadata trailers = e.getTrailers();
    String kind = trailers == null ? null : trailers.get(KIND);
    String description = status.getDescription();
    String message = description == null ? status.getCode().name() : description;
    if (trailers != null && kind != null) {
      RuntimeException mapped = fromKind(kind, message, trailers, e);
      if (mapped != null) {
        return mapped;
      }
    }
    // No trailer: the status came from gRPC itself (message too large, deadline, unreachable,
    // unauthenticated) or from a proxy, so only the unambiguous codes map to engine exceptions.
    return switch (status.getCode()) {
      case INVALID_ARGUMENT -> new IllegalArgumentException(message, e);
      case DATA_LOSS -> new CorruptionException("server", -1, message, e);
      case UNAVAILABLE ->
          new ShaleException(
              "server unavailable (not running, unreachable, or TLS expected on one side only): "
                  + message,
              e);
      default -> new ShaleException(status.getCode() + ": " + message, e);
    };
  }

  private static @Nullable RuntimeException fromKind(
      String kind, String message, Metadata trailers, StatusRuntimeException e) {
    return switch (kind) {
      case KIND_ARGUMENT -> new IllegalArgumentException(message, e);
      case KIND_CLOSED -> new IllegalStateException(message, e);
      case KIND_CORRUPTION -> {
        String file = trailers.get(CORRUPT_FILE);
        long offset = parse(trailers.get(CORRUPT_OFFSET));
        if (file == null) {
          yield new CorruptionException("server", -1, message, e);
        }
        String prefix =
            "corruption in " + file + (offset >= 0 ? " at offset " + offset : "") + ": ";
        String detail = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        yield new CorruptionException(file, offset, detail, e);
      }
      case KIND_FENCED ->
          withCause(
              new FencedException(
                  message, parse(trailers.get(OWN_EPOCH)), parse(trailers.get(NEWER_EPOCH))),
              e);
      case KIND_STALL -> withCause(new WriteStallException(message), e);
      case KIND_CONFLICT -> withCause(new TransactionConflictException(message), e);
      case KIND_STORAGE ->
          new StorageIOException("server storage failed", new IOException(message, e));
      case KIND_UNSUPPORTED -> new UnsupportedOperationException(message, e);
      case KIND_OVERLOADED ->
          new ServerBusyException(
              message, Duration.ofMillis(Math.max(0, parse(trailers.get(RETRY_PUSHBACK)))), e);
      default -> null;
    };
  }

  private static <T extends RuntimeException> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }

  private static long parse(@Nullable String number) {
    if (number == null) {
      return -1;
    }
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Metadata values must be printable ASCII; a file name need not be. */
  private static String ascii(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
