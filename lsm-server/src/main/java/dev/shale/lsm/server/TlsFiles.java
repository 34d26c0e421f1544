package dev.shale.lsm.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Checks a server's certificate chain and private key before it starts, so that a wrong pair fails
 * at start with a message that says what to do, not at every handshake: the key must be an
 * unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) and belong to the first certificate (a
 * signature made with it verifies with the certificate's public key).
 */
final class TlsFiles {
  private TlsFiles() {}

  /**
   * @throws IllegalArgumentException when the files are not a usable pair, saying why and how to
   *     fix it
   * @throws UncheckedIOException when a file cannot be read
   */
  static void checkPair(Path certChain, Path privateKey) {
    String keyPem = read(privateKey);
    if (keyPem.contains("BEGIN RSA PRIVATE KEY") || keyPem.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the private key in "
              + privateKey
              + " is in PKCS#1/SEC1 form ('BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY'); the"
              + " server needs PKCS#8 ('BEGIN PRIVATE KEY'): convert it with: openssl pkcs8"
              + " -topk8 -nocrypt -in "
              + privateKey
              + " -out server-pkcs8.key");
    }
    if (keyPem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the private key in "
              + privateKey
              + " is encrypted; the server needs it unencrypted (PKCS#8, 'BEGIN PRIVATE KEY'):"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + privateKey
              + " -out server-pkcs8.key");
    }
    PrivateKey key = parseKey(keyPem, privateKey);
    X509Certificate certificate = firstCertificate(certChain);
    if (!belongTogether(key, certificate.getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key in "
              + privateKey
              + " does not belong to the certificate in "
              + certChain
              + " ("
              + certificate.getSubjectX500Principal().getName()
              + "): every TLS handshake would fail; give the key the certificate was issued for");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  private static PrivateKey parseKey(String pem, Path file) {
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          file + " holds no PEM private key ('-----BEGIN PRIVATE KEY-----', PKCS#8)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the private key is not valid base64", e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        file + ": the PKCS#8 private key is of no supported algorithm (RSA, EC, Ed25519)");
  }

  private static X509Certificate firstCertificate(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      for (Certificate c : chain) {
        if (c instanceof X509Certificate x509) {
          return x509;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + " holds no readable PEM certificate: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(file + " holds no PEM certificate");
  }

  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return true; // an algorithm this check does not know: the handshake decides
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
