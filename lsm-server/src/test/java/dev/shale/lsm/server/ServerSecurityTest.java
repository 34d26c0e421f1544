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
        ShaleServer server = ShaleServer.builder(db).port(0).token("s3cret-token").start()) {
      try (ShaleClient anonymous = ShaleClient.builder("127.0.0.1", server.port()).build()) {
        ShaleException e = assertThrows(ShaleException.class, () -> anonymous.put(b("k"), b("v")));
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(e));
        assertTrue(e.getMessage().contains("needs a token"), e.getMessage());
      }
      try (ShaleClient wrong =
          ShaleClient.builder("127.0.0.1", server.port()).token("guess").build()) {
        assertEquals(
            Status.Code.UNAUTHENTICATED,
            codeOf(assertThrows(ShaleException.class, () -> wrong.get(b("k")))));
      }
      try (ShaleClient right =
          ShaleClient.builder("127.0.0.1", server.port()).token("s3cret-token").build()) {
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

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
