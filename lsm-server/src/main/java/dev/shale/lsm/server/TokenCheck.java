package dev.shale.lsm.server;

import dev.shale.lsm.server.protocol.BearerToken;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Rejects calls without the shared bearer token ({@code UNAUTHENTICATED}). Health checks pass
 * without one, so that load balancers and orchestrators need no secret to probe the server; they
 * reveal nothing but whether it serves. Thread-safe.
 */
final class TokenCheck implements ServerInterceptor {
  private final byte[] expected;

  TokenCheck(String token) {
    this.expected = (BearerToken.SCHEME + token).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String given = headers.get(BearerToken.AUTHORIZATION);
    if (given == null) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "this server needs a token: send 'authorization: Bearer TOKEN'"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    // Constant time, so response timing does not reveal how much of a guess was right.
    if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII))) {
      call.close(Status.UNAUTHENTICATED.withDescription("wrong token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
