package dev.shale.lsm.server.protocol;

import io.grpc.Metadata;

/** The {@code authorization: Bearer TOKEN} header that carries the shared token. */
public final class BearerToken {
  /** The header. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What precedes the token in the header value. */
  public static final String SCHEME = "Bearer ";

  private BearerToken() {}

  /**
   * Checks a token read from a file or the environment: not blank, printable ASCII (it travels in a
   * header), surrounding whitespace removed.
   *
   * @throws IllegalArgumentException when it is unusable
   */
  public static String validate(String token, String source) {
    String t = token.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("the token from " + source + " is empty");
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
