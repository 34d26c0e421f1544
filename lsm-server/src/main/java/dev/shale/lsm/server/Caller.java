package dev.shale.lsm.server;

import io.grpc.Context;
import org.jspecify.annotations.Nullable;

/**
 * Who makes the current call, as the {@link Authorization} interceptor established it.
 *
 * @param identity the authenticated identity: the subject of a client certificate (mutual TLS),
 *     else the token's role ({@code token:read-write}, {@code token:read-only}); null when the
 *     server requires neither
 * @param readOnly whether the caller may only read
 * @param clientKey what per-client limits count by: the identity of a client certificate, else the
 *     caller's IP address (so that reconnecting does not reset a client's count)
 */
record Caller(@Nullable String identity, boolean readOnly, String clientKey) {
  static final Context.Key<Caller> KEY = Context.key("shale-caller");

  /** The caller of the current call (an anonymous local caller outside of one). */
  static Caller current() {
    Caller caller = KEY.get();
    return caller == null ? new Caller(null, false, "local") : caller;
  }
}
