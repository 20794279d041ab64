package io.chainsight.core.diagnose;

import java.util.Optional;

/**
 * Why a handshake failed. A stable contract: logs, metric labels, the admin endpoint and tests use
 * these names, so never rename one. Each names the OpenSSL error a C client reports for the typical
 * case (the {@link Failure} of a diagnosis carries the exact one, which can differ: an issuer key
 * mismatch is error 20 or 7 depending on the key identifiers) and the alert an OpenSSL peer sends.
 */
public enum ReasonCode {
  /** The client sent no certificate although one is required. */
  NO_CLIENT_CERTIFICATE("no client certificate", null, TlsAlert.CERTIFICATE_REQUIRED),
  /** No presented certificate and no trust anchor has the issuer's name. */
  ISSUER_NOT_FOUND("issuer not found", OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY, null),
  /**
   * A certificate has the issuer's name but a different key (AKI differs from its SKI, or the
   * signature fails).
   */
  ISSUER_KEY_MISMATCH(
      "issuer has the right name but a different key",
      OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
      null),
  /** The path ends at a presented self-signed root that is not a trust anchor. */
  UNTRUSTED_ROOT("untrusted root", OpenSslError.SELF_SIGNED_CERT_IN_CHAIN, null),
  /** A lone self-signed certificate that is not a trust anchor. */
  SELF_SIGNED_LEAF("self-signed leaf", OpenSslError.DEPTH_ZERO_SELF_SIGNED_CERT, null),
  /** The issuer matches by name and key identifier, but the signature does not verify. */
  SIGNATURE_INVALID("signature invalid", OpenSslError.CERT_SIGNATURE_FAILURE, null),
  EXPIRED("certificate expired", OpenSslError.CERT_HAS_EXPIRED, null),
  NOT_YET_VALID("certificate not yet valid", OpenSslError.CERT_NOT_YET_VALID, null),
  /** The issuer lacks basicConstraints CA:TRUE. */
  ISSUER_NOT_CA("issuer is not a CA", OpenSslError.INVALID_CA, null),
  /** The issuer's keyUsage lacks keyCertSign. */
  ISSUER_KEY_USAGE("issuer may not sign certificates", OpenSslError.INVALID_CA, null),
  PATH_LENGTH_EXCEEDED("path length constraint exceeded", OpenSslError.PATH_LENGTH_EXCEEDED, null),
  /** The leaf's extendedKeyUsage (or keyUsage, or a CA's extendedKeyUsage) excludes the purpose. */
  WRONG_PURPOSE("wrong certificate purpose", OpenSslError.INVALID_PURPOSE, null),
  REVOKED("certificate revoked", OpenSslError.CERT_REVOKED, null),
  /** A CRL is missing, expired, not yet valid or not signed by its issuer. */
  CRL_PROBLEM("CRL problem", OpenSslError.UNABLE_TO_GET_CRL, null),
  /** RSA/DSA below 2048 bits, EC below 256 bits, or a SHA-1/MD5 signature. */
  WEAK_KEY_OR_ALGORITHM("weak key or signature algorithm", OpenSslError.EE_KEY_TOO_SMALL, null),
  UNKNOWN_CRITICAL_EXTENSION(
      "unknown critical extension", OpenSslError.UNHANDLED_CRITICAL_EXTENSION, null),
  CHAIN_TOO_LONG("chain too long", OpenSslError.CERT_CHAIN_TOO_LONG, null),
  /**
   * The expected host name or IP address is not in the leaf's subjectAltName. Added to the issue-3
   * list, where no code fit OpenSSL's errors 62 and 64.
   */
  HOSTNAME_MISMATCH(
      "host name or IP address not in the certificate", OpenSslError.HOSTNAME_MISMATCH, null),
  /** The certificate verified, but the access rules deny it. */
  NOT_AUTHORIZED("not authorized", null, TlsAlert.ACCESS_DENIED),
  /** The client sent an alert: it rejected the chain we sent. */
  CLIENT_REJECTED_OUR_CHAIN("the client rejected our chain", null, null),
  /**
   * An https backend sent an alert: it rejected the client certificate chain the proxy presented
   * there.
   */
  BACKEND_REJECTED_OUR_CHAIN("the backend rejected our client certificate", null, null),
  PROTOCOL_MISMATCH("no common TLS version", null, TlsAlert.PROTOCOL_VERSION),
  NO_SHARED_CIPHER("no shared cipher", null, TlsAlert.HANDSHAKE_FAILURE),
  /**
   * A handshake message from the client (its ClientHello, its certificate chain) is larger than the
   * TLS stack accepts; it was answered with illegal_parameter.
   */
  HANDSHAKE_MESSAGE_TOO_LARGE("handshake message too large", null, TlsAlert.ILLEGAL_PARAMETER),
  /**
   * The client broke the TLS protocol (a malformed record or handshake message) and the server
   * answered with a fatal alert (which one: the failure's alert).
   */
  MALFORMED_HANDSHAKE("the client broke the TLS protocol", null, null),
  PLAINTEXT_HTTP_ON_TLS_PORT("plain HTTP on the TLS port", null, null),
  NOT_TLS("not TLS", null, null),
  HANDSHAKE_TIMEOUT("handshake timed out", null, null),
  PEER_CLOSED_DURING_HANDSHAKE("peer closed the connection during the handshake", null, null);

  private final String title;
  private final OpenSslError openssl;
  private final TlsAlert alert;

  ReasonCode(String title, OpenSslError openssl, TlsAlert alert) {
    this.title = title;
    this.openssl = openssl;
    this.alert = alert != null ? alert : openssl != null ? openssl.alert() : null;
  }

  /** A few words for humans: {@code issuer not found}. */
  public String title() {
    return title;
  }

  /**
   * The OpenSSL error a C client reports in the typical case; empty when no verification error
   * applies.
   */
  public Optional<OpenSslError> openssl() {
    return Optional.ofNullable(openssl);
  }

  /**
   * The alert an OpenSSL peer sends for it (for {@code NO_CLIENT_CERTIFICATE}: certificate_required
   * in TLS 1.3, handshake_failure in TLS 1.2); empty when no alert is sent or it varies.
   */
  public Optional<TlsAlert> alert() {
    return Optional.ofNullable(alert);
  }
}
