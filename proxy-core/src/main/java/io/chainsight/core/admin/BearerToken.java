package io.chainsight.core.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The {@code admin.token} check: {@code Authorization: Bearer <token>}. Both sides are hashed
 * before a constant-time compare, so neither the content nor the length of the token leaks through
 * timing.
 */
final class BearerToken {
  private static final String PREFIX = "Bearer ";

  private final byte[] expectedDigest;

  private BearerToken(String token) {
    this.expectedDigest = sha256(token);
  }

  /**
   * No check at all when no token is configured (the listener is then on loopback: AdminSettings
   * ensures it).
   */
  static Optional<BearerToken> of(Optional<String> token) {
    return token.map(BearerToken::new);
  }

  boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] presented = sha256(authorizationHeader.substring(PREFIX.length()).strip());
    return MessageDigest.isEqual(expectedDigest, presented);
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
