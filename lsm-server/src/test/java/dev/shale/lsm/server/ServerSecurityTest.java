package dev.shale.lsm.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.ShaleException;
import dev.shale.lsm.assembly.Shale;
import dev.shale.lsm.client.ShaleClient;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens, TLS and mutual TLS, with certificates made in the test. */
class ServerSecurityTest {
  @TempDir Path dir;
  @TempDir Path certs;

  private static Status.Code codeOf(ShaleException e) {
    return assertInstanceOf(StatusRuntimeException.class, e.getCause()).getStatus().getCode();
  }

  @Test
  void callsWithoutTheTokenAreRejectedButHealthChecksPass() {
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db).port(0).token("s3cret-token-0123456789").start()) {
      try (ShaleClient anonymous = ShaleClient.builder("127.0.0.1", server.port()).build()) {
        ShaleException e = assertThrows(ShaleException.class, () -> anonymous.put(b("k"), b("v")));
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(e));
        assertTrue(e.getMessage().contains("needs a token"), e.getMessage());
      }
      try (ShaleClient wrong =
          ShaleClient.builder("127.0.0.1", server.port())
              .token("guess-guess-guess-guess")
              .build()) {
        assertEquals(
            Status.Code.UNAUTHENTICATED,
            codeOf(assertThrows(ShaleException.class, () -> wrong.get(b("k")))));
      }
      try (ShaleClient right =
          ShaleClient.builder("127.0.0.1", server.port())
              .token("s3cret-token-0123456789")
              .build()) {
        right.put(b("k"), b("v"));
        assertArrayEquals(b("v"), right.get(b("k")));
      }
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .build();
      try {
        assertEquals(
            HealthCheckResponse.ServingStatus.SERVING,
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void tlsServesClientsThatTrustTheCertificateOnly() throws Exception {
    TestCertificates serverCert = TestCertificates.create(certs, "server");
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .tls(serverCert.certificate(), serverCert.privateKey())
                .start()) {
      assertTrue(server.isTls());
      try (ShaleClient client =
          ShaleClient.builder("localhost", server.port()).tls(serverCert.certificate()).build()) {
        client.put(b("k"), b("over tls"));
        assertArrayEquals(b("over tls"), client.get(b("k")));
      }
      try (ShaleClient plaintext =
          ShaleClient.builder("localhost", server.port()).deadline(Duration.ofSeconds(5)).build()) {
        assertEquals(
            Status.Code.UNAVAILABLE,
            codeOf(assertThrows(ShaleException.class, () -> plaintext.get(b("k")))));
      }
      TestCertificates other = TestCertificates.create(certs, "impostor");
      try (ShaleClient distrusting =
          ShaleClient.builder("localhost", server.port()).tls(other.certificate()).build()) {
        assertEquals(
            Status.Code.UNAVAILABLE,
            codeOf(assertThrows(ShaleException.class, () -> distrusting.get(b("k")))));
      }
    }
  }

  @Test
  void mutualTlsNeedsATrustedClientCertificate() throws Exception {
    TestCertificates serverCert = TestCertificates.create(certs, "server");
    TestCertificates clientCert = TestCertificates.create(certs, "client");
    TestCertificates strangerCert = TestCertificates.create(certs, "stranger");
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db)
                .port(0)
                .tls(serverCert.certificate(), serverCert.privateKey())
                .clientCa(clientCert.certificate())
                .start()) {
      try (ShaleClient client =
          ShaleClient.builder("localhost", server.port())
              .tls(serverCert.certificate())
              .clientCertificate(clientCert.certificate(), clientCert.privateKey())
              .build()) {
        client.put(b("k"), b("mtls"));
        assertArrayEquals(b("mtls"), client.get(b("k")));
      }
      try (ShaleClient noCert =
          ShaleClient.builder("localhost", server.port()).tls(serverCert.certificate()).build()) {
        assertThrows(ShaleException.class, () -> noCert.get(b("k")));
      }
      try (ShaleClient stranger =
          ShaleClient.builder("localhost", server.port())
              .tls(serverCert.certificate())
              .clientCertificate(strangerCert.certificate(), strangerCert.privateKey())
              .build()) {
        assertThrows(ShaleException.class, () -> stranger.get(b("k")));
      }
    }
  }

  @Test
  void aClientCaWithoutTlsIsRefused() {
    try (Db db = Shale.open(dir)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ShaleServer.builder(db).port(0).clientCa(certs.resolve("ca.crt")).start());
    }
  }

  private static java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> capture(
      String logger, ch.qos.logback.classic.Level level, Runnable action) {
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    ch.qos.logback.classic.Level before = log.getLevel();
    log.setLevel(level);
    log.addAppender(appender);
    try {
      action.run();
    } finally {
      log.detachAppender(appender);
      log.setLevel(before);
    }
    return appender.list;
  }

  @Test
  void blankAndShortTokensAreRefused() {
    try (Db db = Shale.open(dir)) {
      IllegalArgumentException blank =
          assertThrows(IllegalArgumentException.class, () -> ShaleServer.builder(db).token("  "));
      assertTrue(blank.getMessage().contains("empty"), blank.getMessage());
      IllegalArgumentException shortOne =
          assertThrows(IllegalArgumentException.class, () -> ShaleServer.builder(db).token("x"));
      assertTrue(shortOne.getMessage().contains("at least 16"), shortOne.getMessage());
      assertTrue(shortOne.getMessage().contains("openssl rand"), shortOne.getMessage());
    }
  }

  @Test
  void aTokenFileIsCheckedReloadedAndARoleMayOnlyRead() throws Exception {
    Path readWrite = certs.resolve("rw.token");
    Path readOnly = certs.resolve("ro.token");
    java.nio.file.Files.writeString(readWrite, "first-read-write-token\n");
    java.nio.file.Files.writeString(readOnly, "the-read-only-token-0\n");
    java.nio.file.Files.setPosixFilePermissions(
        readWrite, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    java.nio.file.Files.setPosixFilePermissions(
        readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (Db db = Shale.open(dir)) {
      ShaleServer[] started = new ShaleServer[1];
      var events =
          capture(
              "dev.shale.lsm.server",
              ch.qos.logback.classic.Level.WARN,
              () ->
                  started[0] =
                      ShaleServer.builder(db)
                          .port(0)
                          .tokenFile(readWrite)
                          .readOnlyTokenFile(readOnly)
                          .tokenReloadPeriod(Duration.ofMillis(100))
                          .start());
      try (ShaleServer server = started[0]) {
        assertTrue(
            events.stream()
                .anyMatch(
                    e ->
                        e.getFormattedMessage().contains(readWrite.toString())
                            && e.getFormattedMessage().contains("chmod 600")),
            "a warning about the group/world-readable token file");
        assertTrue(
            events.stream().noneMatch(e -> e.getFormattedMessage().contains(readOnly.toString())),
            "no warning about a private file");
        try (ShaleClient writer =
                ShaleClient.builder("127.0.0.1", server.port())
                    .token("first-read-write-token")
                    .build();
            ShaleClient reader =
                ShaleClient.builder("127.0.0.1", server.port())
                    .token("the-read-only-token-0")
                    .build()) {
          writer.put(b("k"), b("v"));
          assertArrayEquals(b("v"), reader.get(b("k")));
          ShaleException denied =
              assertThrows(ShaleException.class, () -> reader.put(b("k"), b("w")));
          assertEquals(Status.Code.PERMISSION_DENIED, codeOf(denied));
          assertTrue(denied.getMessage().contains("read-only"), denied.getMessage());

          // Rotate the read-write token without a restart.
          java.nio.file.Files.writeString(readWrite, "second-read-write-token\n");
          java.nio.file.Files.setLastModifiedTime(
              readWrite,
              java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
          long deadline = System.nanoTime() + 30_000_000_000L;
          boolean rotated = false;
          while (!rotated && System.nanoTime() < deadline) {
            try {
              writer.put(b("k"), b("v"));
              Thread.sleep(50);
            } catch (ShaleException e) {
              rotated = codeOf(e) == Status.Code.UNAUTHENTICATED;
            }
          }
          assertTrue(rotated, "the old token stopped working");
          try (ShaleClient next =
              ShaleClient.builder("127.0.0.1", server.port())
                  .token("second-read-write-token")
                  .build()) {
            next.put(b("k"), b("rotated"));
          }
        }
      }
    }
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() {
    try (Db db = Shale.open(dir);
        ShaleServer server =
            ShaleServer.builder(db).port(0).token("s3cret-token-0123456789").start()) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .build();
      try {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(
            dev.shale.lsm.server.protocol.BearerToken.AUTHORIZATION,
            "bearer s3cret-token-0123456789");
        dev.shale.lsm.server.v1.ShaleGrpc.newBlockingStub(channel)
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
            .get(
                dev.shale.lsm.server.v1.GetRequest.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFromUtf8("k"))
                    .build());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void plaintextOnANonLoopbackAddressIsRefusedUnlessInsecure() {
    try (Db db = Shale.open(dir)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ShaleServer.builder(db).port(0).bind("0.0.0.0").start());
      assertTrue(e.getMessage().contains("--insecure"), e.getMessage());
      try (ShaleServer server =
          ShaleServer.builder(db).port(0).bind("0.0.0.0").insecure(true).start()) {
        assertTrue(server.port() > 0);
      }
    }
  }

  @Test
  void tlsOnAPublicAddressWithoutClientAuthenticationWarnsLoudly() throws Exception {
    TestCertificates serverCert = TestCertificates.create(certs, "server");
    try (Db db = Shale.open(dir)) {
      ShaleServer[] started = new ShaleServer[1];
      var events =
          capture(
              "dev.shale.lsm.server.ShaleServer",
              ch.qos.logback.classic.Level.INFO,
              () ->
                  started[0] =
                      ShaleServer.builder(db)
                          .port(0)
                          .bind("0.0.0.0")
                          .tls(serverCert.certificate(), serverCert.privateKey())
                          .start());
      started[0].close();
      assertTrue(
          events.stream()
              .anyMatch(
                  e ->
                      e.getLevel() == ch.qos.logback.classic.Level.WARN
                          && e.getFormattedMessage().contains("NO CLIENT AUTHENTICATION")),
          "a warning");
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesOrNotPkcs8IsRefusedAtStart() throws Exception {
    TestCertificates serverCert = TestCertificates.create(certs, "server");
    TestCertificates other = TestCertificates.create(certs, "other");
    try (Db db = Shale.open(dir)) {
      IllegalArgumentException mismatch =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ShaleServer.builder(db)
                      .port(0)
                      .tls(serverCert.certificate(), other.privateKey())
                      .start());
      assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());
      Path pkcs1 = certs.resolve("pkcs1.key");
      java.nio.file.Files.writeString(
          pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
      IllegalArgumentException format =
          assertThrows(
              IllegalArgumentException.class,
              () -> ShaleServer.builder(db).port(0).tls(serverCert.certificate(), pkcs1).start());
      assertTrue(format.getMessage().contains("openssl pkcs8 -topk8"), format.getMessage());
    }
  }

  @Test
  void aBadConnectionIsOneLineWithoutAStackTrace() throws Exception {
    try (Db db = Shale.open(dir);
        ShaleServer server = ShaleServer.builder(db).port(0).start()) {
      var events =
          capture(
              "dev.shale.lsm.server.connections",
              ch.qos.logback.classic.Level.DEBUG,
              () -> {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
                  socket
                      .getOutputStream()
                      .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
                  socket.getOutputStream().flush();
                  socket.setSoTimeout(5000);
                  socket.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                  // the server closes the connection: that is the point
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertTrue(
          events.stream().anyMatch(e -> e.getFormattedMessage().startsWith("a connection failed")),
          "one line about the failed connection: " + events);
      assertTrue(events.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack trace");
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
