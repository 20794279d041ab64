package io.chainsight.core.diagnose;

/**
 * The OpenSSL 3 verification errors ({@code X509_V_ERR_*}) that a C client (curl, nginx, the Rust
 * agent through native-tls) prints for the failures chainsight names, with the alert OpenSSL sends
 * for each ({@code ssl_x509err2alert}). Numbers and texts are those of OpenSSL 3; {@link
 * #legacyCode()} gives the number OpenSSL 1.1 used where it differs.
 */
public enum OpenSslError {
  UNABLE_TO_GET_ISSUER_CERT(2, "unable to get issuer certificate", TlsAlert.UNKNOWN_CA),
  UNABLE_TO_GET_CRL(3, "unable to get certificate CRL", TlsAlert.UNKNOWN_CA),
  CERT_SIGNATURE_FAILURE(7, "certificate signature failure", TlsAlert.DECRYPT_ERROR),
  CRL_SIGNATURE_FAILURE(8, "CRL signature failure", TlsAlert.DECRYPT_ERROR),
  CERT_NOT_YET_VALID(9, "certificate is not yet valid", TlsAlert.BAD_CERTIFICATE),
  CERT_HAS_EXPIRED(10, "certificate has expired", TlsAlert.CERTIFICATE_EXPIRED),
  CRL_NOT_YET_VALID(11, "CRL is not yet valid", TlsAlert.BAD_CERTIFICATE),
  CRL_HAS_EXPIRED(12, "CRL has expired", TlsAlert.CERTIFICATE_EXPIRED),
  DEPTH_ZERO_SELF_SIGNED_CERT(18, "self-signed certificate", TlsAlert.UNKNOWN_CA),
  SELF_SIGNED_CERT_IN_CHAIN(
      19, "self-signed certificate in certificate chain", TlsAlert.UNKNOWN_CA),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY(
      20, "unable to get local issuer certificate", TlsAlert.UNKNOWN_CA),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE(
      21, "unable to verify the first certificate", TlsAlert.UNKNOWN_CA),
  CERT_CHAIN_TOO_LONG(22, "certificate chain too long", TlsAlert.UNKNOWN_CA),
  CERT_REVOKED(23, "certificate revoked", TlsAlert.CERTIFICATE_REVOKED),
  PATH_LENGTH_EXCEEDED(25, "path length constraint exceeded", TlsAlert.UNKNOWN_CA),
  /** OpenSSL 1.1 printed "unsupported certificate purpose". */
  INVALID_PURPOSE(26, "unsuitable certificate purpose", TlsAlert.UNSUPPORTED_CERTIFICATE),
  KEYUSAGE_NO_CERTSIGN(
      32, "key usage does not include certificate signing", TlsAlert.CERTIFICATE_UNKNOWN),
  UNHANDLED_CRITICAL_EXTENSION(34, "unhandled critical extension", TlsAlert.CERTIFICATE_UNKNOWN),
  HOSTNAME_MISMATCH(62, "hostname mismatch", TlsAlert.BAD_CERTIFICATE),
  IP_ADDRESS_MISMATCH(64, "IP address mismatch", TlsAlert.BAD_CERTIFICATE),
  EE_KEY_TOO_SMALL(66, "EE certificate key too weak", TlsAlert.BAD_CERTIFICATE),
  CA_KEY_TOO_SMALL(67, "CA certificate key too weak", TlsAlert.BAD_CERTIFICATE),
  CA_MD_TOO_WEAK(68, "CA signature digest algorithm too weak", TlsAlert.BAD_CERTIFICATE),
  /** Number 24 in OpenSSL 1.1 (where 24 now means "unable to get issuer public key"). */
  INVALID_CA(79, "invalid CA certificate", TlsAlert.UNKNOWN_CA, 24);

  private final int code;
  private final String text;
  private final TlsAlert alert;
  private final int legacyCode;

  OpenSslError(int code, String text, TlsAlert alert) {
    this(code, text, alert, code);
  }

  OpenSslError(int code, String text, TlsAlert alert, int legacyCode) {
    this.code = code;
    this.text = text;
    this.alert = alert;
    this.legacyCode = legacyCode;
  }

  /** The number in {@code verify error:num=20:unable to get local issuer certificate}. */
  public int code() {
    return code;
  }

  /** The text OpenSSL 3 prints ({@code X509_verify_cert_error_string}). */
  public String text() {
    return text;
  }

  /** The alert an OpenSSL peer sends when verification fails with this error. */
  public TlsAlert alert() {
    return alert;
  }

  /** The number OpenSSL 1.1 used for the same error. */
  public int legacyCode() {
    return legacyCode;
  }

  /** As OpenSSL prints it: {@code 20 "unable to get local issuer certificate"}. */
  @Override
  public String toString() {
    return code
        + " \""
        + text
        + "\""
        + (legacyCode != code ? " (" + legacyCode + " in OpenSSL 1.1)" : "");
  }
}
