package io.chainsight.core.diagnose;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS alert descriptions (RFC 8446 section 6), named as on the wire and in OpenSSL's and the JDK's
 * messages.
 */
public enum TlsAlert {
  CLOSE_NOTIFY(0),
  UNEXPECTED_MESSAGE(10),
  BAD_RECORD_MAC(20),
  RECORD_OVERFLOW(22),
  HANDSHAKE_FAILURE(40),
  BAD_CERTIFICATE(42),
  UNSUPPORTED_CERTIFICATE(43),
  CERTIFICATE_REVOKED(44),
  CERTIFICATE_EXPIRED(45),
  CERTIFICATE_UNKNOWN(46),
  ILLEGAL_PARAMETER(47),
  UNKNOWN_CA(48),
  ACCESS_DENIED(49),
  DECODE_ERROR(50),
  DECRYPT_ERROR(51),
  PROTOCOL_VERSION(70),
  INSUFFICIENT_SECURITY(71),
  INTERNAL_ERROR(80),
  INAPPROPRIATE_FALLBACK(86),
  USER_CANCELED(90),
  MISSING_EXTENSION(109),
  UNSUPPORTED_EXTENSION(110),
  UNRECOGNIZED_NAME(112),
  BAD_CERTIFICATE_STATUS_RESPONSE(113),
  UNKNOWN_PSK_IDENTITY(115),
  CERTIFICATE_REQUIRED(116),
  NO_APPLICATION_PROTOCOL(120);

  // JDK: "Received fatal alert: unknown_ca"; OpenSSL/BoringSSL: "...:TLSV1_ALERT_UNKNOWN_CA",
  // "SSLV3_ALERT_BAD_CERTIFICATE", "tlsv13 alert certificate required".
  private static final Pattern IN_MESSAGE =
      Pattern.compile(
          "(?i)(?:received fatal alert: |alert[ _:]+|tlsv1[0-9]? alert |sslv3 alert )([a-z_ ]+[a-z])");

  private final int code;

  TlsAlert(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The wire name: {@code unknown_ca}. */
  public String alertName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code unknown_ca (48)}. */
  @Override
  public String toString() {
    return alertName() + " (" + code + ")";
  }

  /**
   * An alert from its name ({@code unknown_ca}, {@code UNKNOWN_CA}, {@code unknown ca}) or its
   * number.
   */
  public static Optional<TlsAlert> parse(String text) {
    String key = text.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    for (TlsAlert alert : values()) {
      if (alert.name().equals(key) || String.valueOf(alert.code).equals(key)) {
        return Optional.of(alert);
      }
    }
    return Optional.empty();
  }

  /**
   * The alert named in an exception message from the JDK ({@code Received fatal alert: unknown_ca})
   * or from OpenSSL/BoringSSL ({@code SSLV3_ALERT_BAD_CERTIFICATE}, {@code
   * TLSV1_ALERT_UNKNOWN_CA}).
   */
  public static Optional<TlsAlert> fromMessage(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher matcher = IN_MESSAGE.matcher(message);
    while (matcher.find()) {
      String words = matcher.group(1);
      // Longest known alert name at the start of the captured words ("bad certificate status
      // response"
      // must not be cut to "bad certificate").
      String[] parts = words.split("[ _]+");
      for (int n = parts.length; n > 0; n--) {
        Optional<TlsAlert> alert = parse(String.join("_", java.util.Arrays.copyOf(parts, n)));
        if (alert.isPresent()) {
          return alert;
        }
      }
    }
    return Optional.empty();
  }
}
