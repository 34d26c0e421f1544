package dev.shale.lsm.server.protocol;

import io.grpc.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * The {@code shale-request-bytes} header: a client declares the serialized size of a {@code Put} or
 * {@code Write} request up front, so that the server can refuse a large write it cannot take now
 * from the headers alone, before the request's bytes cross the network. Optional: a request without
 * it is judged once received. Stateless.
 */
public final class RequestSize {
  /** The header. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("shale-request-bytes", Metadata.ASCII_STRING_MARSHALLER);

  private RequestSize() {}

  /** Headers declaring {@code bytes}. */
  public static Metadata declaring(long bytes) {
    Metadata headers = new Metadata();
    headers.put(HEADER, Long.toString(bytes));
    return headers;
  }

  /** The size {@code headers} declare, or -1 when they declare none (or nonsense). */
  public static long declared(@Nullable Metadata headers) {
    String value = headers == null ? null : headers.get(HEADER);
    if (value == null || value.isEmpty() || value.length() > 19) {
      return -1;
    }
    try {
      long bytes = Long.parseLong(value);
      return bytes < 0 ? -1 : bytes;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
