package dev.shale.lsm.server;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes gRPC's java.util.logging output through SLF4J (only gRPC's loggers, {@code io.grpc...};
 * the JVM's root logger is left alone), and turns each failed connection (junk bytes, HTTP/1.1, TLS
 * to a plaintext port, a reset) from a stack trace at INFO into one line at DEBUG on {@code
 * dev.shale.lsm.server.connections}: a client's mistake is not the server's problem, and a scan of
 * the port must not flood the log.
 */
final class GrpcLogging {
  private static final Logger CONNECTIONS =
      LoggerFactory.getLogger("dev.shale.lsm.server.connections");

  // Held strongly: java.util.logging keeps loggers only weakly, and their settings with them.
  private static final java.util.logging.Logger GRPC =
      java.util.logging.Logger.getLogger("io.grpc");
  private static final java.util.logging.Logger TRANSPORT_CONNECTIONS =
      java.util.logging.Logger.getLogger(
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections");

  private static boolean installed;

  private GrpcLogging() {}

  /** Installs the routing once per JVM. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    GRPC.setUseParentHandlers(false);
    GRPC.addHandler(new SLF4JBridgeHandler());
    TRANSPORT_CONNECTIONS.setFilter(GrpcLogging::oneLine);
  }

  private static boolean oneLine(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null) {
      return true;
    }
    if (CONNECTIONS.isDebugEnabled() || record.getLevel().intValue() > Level.INFO.intValue()) {
      CONNECTIONS.debug("a connection failed: {}", summary(thrown));
    }
    return false;
  }

  private static String summary(Throwable t) {
    StringBuilder out = new StringBuilder(t.toString());
    Throwable cause = t.getCause();
    for (int i = 0; cause != null && i < 3; i++, cause = cause.getCause()) {
      out.append(" <- ").append(cause);
    }
    return out.toString().replace('\n', ' ');
  }
}
