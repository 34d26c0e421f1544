package dev.shale.lsm.objectstore.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that passes requests to a real one, except the next scripted ones of a method:
 * those get a canned error response, or are sent and then lose their response, as when a connection
 * drops after the server applied a write.
 */
final class ScriptedHttpClient implements SdkHttpClient {
  /** What happens to a scripted request. */
  enum Fault {
    /** Sent to the server, which applies it; the client then sees a connection reset. */
    RESPONSE_LOST,
    /** Answered 503 SlowDown without reaching the server. */
    SLOW_DOWN,
    /** Answered 409 ConditionalRequestConflict without reaching the server. */
    CONDITIONAL_CONFLICT
  }

  private record Scripted(SdkHttpMethod method, Fault fault) {}

  private final SdkHttpClient delegate;
  private final Deque<Scripted> script = new ArrayDeque<>();

  ScriptedHttpClient(SdkHttpClient delegate) {
    this.delegate = delegate;
  }

  /** The next {@code times} requests of {@code method} get {@code fault}. */
  synchronized ScriptedHttpClient next(SdkHttpMethod method, Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      script.add(new Scripted(method, fault));
    }
    return this;
  }

  private synchronized Fault take(SdkHttpMethod method) {
    Scripted s = script.peek();
    if (s != null && s.method() == method) {
      script.poll();
      return s.fault();
    }
    return null;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    Fault fault = take(request.httpRequest().method());
    if (fault == null) {
      return delegate.prepareRequest(request);
    }
    return switch (fault) {
      case RESPONSE_LOST -> {
        ExecutableHttpRequest inner = delegate.prepareRequest(request);
        yield new ExecutableHttpRequest() {
          @Override
          public HttpExecuteResponse call() throws IOException {
            HttpExecuteResponse r = inner.call();
            if (r.responseBody().isPresent()) {
              r.responseBody().get().close();
            }
            throw new IOException("Connection reset (injected after the server applied it)");
          }

          @Override
          public void abort() {
            inner.abort();
          }
        };
      }
      case SLOW_DOWN -> canned(503, "SlowDown", "Please reduce your request rate.");
      case CONDITIONAL_CONFLICT ->
          canned(
              409,
              "ConditionalRequestConflict",
              "A conflicting operation occurred. If using PutObject you can retry the request.");
    };
  }

  private static ExecutableHttpRequest canned(int status, String code, String message) {
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(status)
                    .putHeader("Content-Type", "application/xml")
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public String clientName() {
    return "scripted";
  }

  @Override
  public void close() {
    delegate.close();
  }
}
