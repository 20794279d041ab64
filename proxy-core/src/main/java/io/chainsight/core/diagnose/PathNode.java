package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;

/**
 * A certificate on the path being built, with where it came from. {@code trusted} is true for a
 * trust anchor: from there on, like OpenSSL's trusted-first building, only trust anchors are
 * searched for issuers.
 */
record PathNode(X509Certificate certificate, CertificateRef ref, boolean trusted) {

  String subject() {
    return ref.subject();
  }

  /** {@code presented[0] CN=agent-1}. */
  String name() {
    return ref.shortName();
  }

  boolean selfIssued() {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }
}
