package dev.shale.lsm.server.protocol;

import io.grpc.Metadata;

/**
 * The {@code authorization: Bearer TOKEN} header that carries a token (RFC 6750; the server accepts
 * the scheme in any case).
 */
public final class BearerToken {
  /** The header. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What precedes the token in the header value. */
  public static final String SCHEME = "Bearer ";

  /** The shortest token a server accepts (a 128-bit random token in hex is 32). */
  public static final int MIN_SERVER_TOKEN_CHARS = 16;

  private BearerToken() {}

  /**
   * Checks a token a server is to accept: as {@link #validate}, and at least {@value
   * #MIN_SERVER_TOKEN_CHARS} characters, since a short token is guessed.
   *
   * @throws IllegalArgumentException when it is unusable
   */
  public static String validateForServer(String token, String source) {
    String t = validate(token, source);
    if (t.length() < MIN_SERVER_TOKEN_CHARS) {
      throw new IllegalArgumentException(
          "the token from "
              + source
              + " has "
              + t.length()
              + " characters; a server needs at least "
              + MIN_SERVER_TOKEN_CHARS
              + " (make one with: openssl rand -hex 32)");
    }
    return t;
  }

  /**
   * Checks a token read from a file or the environment: not blank, printable ASCII (it travels in a
   * header), surrounding whitespace removed.
   *
   * @throws IllegalArgumentException when it is unusable
   */
  public static String validate(String token, String source) {
    String t = token.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException(
          "the token from "
              + source
              + " is empty; give a token, or none at all to serve without authentication");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "the token from " + source + " must be printable ASCII without spaces");
      }
    }
    return t;
  }
}
