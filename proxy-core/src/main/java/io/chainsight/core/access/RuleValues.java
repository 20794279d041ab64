package io.chainsight.core.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.util.IPAddress;

/**
 * The values of an access rule that are not plain text, parsed the same way when the rule is
 * checked (so a bad one fails the config) and when the policy is compiled. Each parser returns
 * empty for a value it cannot read; the caller words the problem.
 */
final class RuleValues {
  static final int SHA256_BYTES = 32;

  private RuleValues() {}

  /**
   * An RFC 4514 name ({@code CN=a,O=b}), as X500Principal reads it: compared by its canonical form.
   */
  static Optional<X500Principal> distinguishedName(String text) {
    try {
      X500Principal name = new X500Principal(text.trim());
      return name.getEncoded().length > 2 ? Optional.of(name) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An IPv4 or IPv6 literal ({@code [::1]} brackets allowed), never a host name: checked as a
   * literal first, so parsing it never does a DNS lookup.
   */
  static Optional<InetAddress> ipAddress(String text) {
    String literal = text.trim();
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    if (!IPAddress.isValidIPv4(literal) && !IPAddress.isValidIPv6(literal)) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * Hex digits, upper or lower case, optionally separated by colons ({@code AB:CD:...}, as openssl
   * prints).
   */
  static Optional<byte[]> hex(String text) {
    String digits = text.trim().replace(":", "");
    if (digits.isEmpty() || digits.length() % 2 != 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(HexFormat.of().parseHex(digits.toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Hex as above, or standard base64 (the HPKP pin form, {@code openssl dgst -sha256 -binary |
   * base64}).
   */
  static Optional<byte[]> hexOrBase64(String text) {
    Optional<byte[]> hex = hex(text);
    if (hex.isPresent()) {
      return hex;
    }
    try {
      return Optional.of(Base64.getDecoder().decode(text.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * What a digest of the wrong length probably is, as the start of an error message's "expected"
   * part; empty for a length no common digest has (then the value is garbage, and its length says
   * nothing).
   */
  static String lengthHint(Optional<byte[]> digest) {
    return switch (digest.map(d -> d.length).orElse(0)) {
      case 16 -> "found 16 bytes: an MD5 digest?; ";
      case 20 -> "found 20 bytes: a SHA-1 digest?; ";
      case 48 -> "found 48 bytes: a SHA-384 digest?; ";
      default -> "";
    };
  }
}
