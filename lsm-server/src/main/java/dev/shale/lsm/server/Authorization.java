package dev.shale.lsm.server;

import dev.shale.lsm.server.protocol.BearerToken;
import dev.shale.lsm.server.protocol.ErrorCodes;
import dev.shale.lsm.server.v1.ShaleGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Establishes who calls ({@link Caller}, in the call's context) and what they may do. With tokens,
 * every call but health checks must carry {@code authorization: Bearer TOKEN} (the scheme in any
 * case, RFC 6750) with the read-write or the read-only token; read-only callers get {@code
 * PERMISSION_DENIED} for Put, Delete and Write. With mutual TLS the client certificate's subject is
 * the caller's identity, for per-client limits, snapshot ownership and the audit log (logger {@code
 * dev.shale.lsm.server.audit}, DEBUG: one line per write). Health checks need no credentials, so
 * they are capped per client and in total ({@code RESOURCE_EXHAUSTED} beyond). Thread-safe.
 */
final class Authorization implements ServerInterceptor {
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.shale.lsm.server.audit");
  private static final Set<String> WRITES =
      Set.of(
          ShaleGrpc.getPutMethod().getFullMethodName(),
          ShaleGrpc.getDeleteMethod().getFullMethodName(),
          ShaleGrpc.getWriteMethod().getFullMethodName());
  private static final String SCHEME = BearerToken.SCHEME.toLowerCase(Locale.ROOT);

  private final @Nullable TokenSource readWrite;
  private final @Nullable TokenSource readOnly;
  private final ClientQuotas healthStreams;

  Authorization(
      @Nullable TokenSource readWrite, @Nullable TokenSource readOnly, ClientQuotas healthStreams) {
    this.readWrite = readWrite;
    this.readOnly = readOnly;
    this.healthStreams = healthStreams;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String subject = subject(call);
    String clientKey = subject != null ? subject : address(call);
    if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return health(call, headers, next, clientKey);
    }
    String identity = subject;
    boolean readOnlyCaller = false;
    if (readWrite != null || readOnly != null) {
      String given = headers.get(BearerToken.AUTHORIZATION);
      if (given == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED.withDescription(
                "this server needs a token: send 'authorization: Bearer TOKEN'"));
      }
      byte[] presented = token(given);
      if (readWrite != null && matches(readWrite, presented)) {
        identity = identity != null ? identity : "token:read-write";
      } else if (readOnly != null && matches(readOnly, presented)) {
        identity = identity != null ? identity : "token:read-only";
        readOnlyCaller = true;
      } else {
        return refuse(call, Status.UNAUTHENTICATED.withDescription("wrong token"));
      }
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    if (WRITES.contains(method)) {
      if (readOnlyCaller) {
        return refuse(
            call,
            Status.PERMISSION_DENIED.withDescription(
                "the token is read-only: "
                    + call.getMethodDescriptor().getBareMethodName()
                    + " needs the read-write token"));
      }
      AUDIT.debug(
          "{} {} from {}", identity == null ? "anonymous" : identity, method, address(call));
    }
    Context context =
        Context.current().withValue(Caller.KEY, new Caller(identity, readOnlyCaller, clientKey));
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The token of an {@code authorization} header value (the scheme in any case), as ASCII. */
  private static byte[] token(String header) {
    String value = header.strip();
    if (value.length() >= SCHEME.length()
        && value.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      value = value.substring(SCHEME.length()).strip();
    } else {
      value = "";
    }
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  /** Constant time, so response timing does not reveal how much of a guess was right. */
  private static boolean matches(TokenSource source, byte[] presented) {
    return MessageDigest.isEqual(source.bytes(), presented);
  }

  private <Q, R> ServerCall.Listener<Q> health(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, String clientKey) {
    ClientQuotas.Refusal refusal = healthStreams.tryAcquire(clientKey);
    if (refusal != null) {
      Status status =
          ErrorCodes.overloaded(
                  refusal == ClientQuotas.Refusal.CLIENT
                      ? "this client has "
                          + healthStreams.perClient()
                          + " health calls open, its limit"
                      : "the server has " + healthStreams.total() + " health calls open, its limit",
                  Duration.ofSeconds(1))
              .getStatus();
      return refuse(call, status);
    }
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      healthStreams.release(clientKey);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      private boolean released;

      private void release() {
        if (!released) {
          released = true;
          healthStreams.release(clientKey);
        }
      }

      @Override
      public void onComplete() {
        release();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        release();
        super.onCancel();
      }
    };
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static String address(ServerCall<?, ?> call) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(remote);
  }

  /** The subject of the client's certificate (mutual TLS), or null. */
  static @Nullable String subject(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
        return x509.getSubjectX500Principal().getName();
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate (TLS without client authentication)
    }
    return null;
  }
}
