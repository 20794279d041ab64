package io.chainsight.core.diagnose;

import io.chainsight.core.certs.BouncyCastle;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Revocation by CRL, as nginx's {@code ssl_crl} does it (OpenSSL with CRL checking for the whole
 * chain): once CRLs are configured, every certificate below the trust anchor needs a current CRL
 * from its issuer, signed with the issuer's key.
 */
final class RevocationCheck {
  private final List<X509CRL> crls;

  RevocationCheck(List<X509CRL> crls) {
    this.crls = List.copyOf(crls);
  }

  boolean enabled() {
    return !crls.isEmpty();
  }

  Outcome check(PathNode node, PathNode issuer, Instant at) {
    List<X509CRL> named = new ArrayList<>();
    for (X509CRL crl : crls) {
      if (crl.getIssuerX500Principal().equals(issuer.certificate().getSubjectX500Principal())) {
        named.add(crl);
      }
    }
    if (named.isEmpty()) {
      return Outcome.fail(
          ReasonCode.CRL_PROBLEM,
          OpenSslError.UNABLE_TO_GET_CRL,
          "No CRL issued by "
              + issuer.subject()
              + " is configured, so the revocation status of "
              + node.name()
              + " is unknown; with CRLs configured, every CA on the path needs a current CRL.",
          "Add the current CRL of "
              + issuer.subject()
              + " (openssl ca -gencrl) to the configured CRLs.");
    }
    List<X509CRL> signed = new ArrayList<>();
    for (X509CRL crl : named) {
      if (verifies(crl, issuer)) {
        signed.add(crl);
      }
    }
    if (signed.isEmpty()) {
      return Outcome.fail(
          ReasonCode.CRL_PROBLEM,
          OpenSslError.CRL_SIGNATURE_FAILURE,
          "The CRL named "
              + issuer.subject()
              + " (thisUpdate "
              + Wording.time(named.get(0).getThisUpdate().toInstant())
              + ") is not signed by the key of "
              + issuer.name()
              + " ("
              + issuer.ref().subjectKeyId().map(s -> "SKI " + s).orElse("no SKI")
              + "): it comes from another CA with the same name.",
          "Replace it with the CRL that "
              + issuer.subject()
              + " with this key issued (openssl ca -gencrl with the "
              + "current CA key).");
    }
    X509CRL crl = signed.stream().max(Comparator.comparing(X509CRL::getThisUpdate)).orElseThrow();
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    Instant nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
    if (at.isBefore(thisUpdate)) {
      return Outcome.fail(
          ReasonCode.CRL_PROBLEM,
          OpenSslError.CRL_NOT_YET_VALID,
          "The CRL of "
              + issuer.subject()
              + " is not valid before its thisUpdate "
              + Wording.time(thisUpdate)
              + ", "
              + Wording.duration(Duration.between(at, thisUpdate))
              + " after the check time "
              + Wording.time(at)
              + ".",
          "Check the clocks (NTP) of this host and of the CA host, or publish a CRL dated now.");
    }
    if (nextUpdate != null && at.isAfter(nextUpdate)) {
      return Outcome.fail(
          ReasonCode.CRL_PROBLEM,
          OpenSslError.CRL_HAS_EXPIRED,
          "The CRL of "
              + issuer.subject()
              + " expired at its nextUpdate "
              + Wording.time(nextUpdate)
              + ", "
              + Wording.duration(Duration.between(nextUpdate, at))
              + " before the check time "
              + Wording.time(at)
              + ", so the revocation status of "
              + node.name()
              + " is unknown.",
          "Publish a fresh CRL from "
              + issuer.subject()
              + " (openssl ca -gencrl) before nextUpdate, and schedule it.");
    }
    X509CRLEntry entry = crl.getRevokedCertificate(node.certificate());
    if (entry != null) {
      CRLReason reason = entry.getRevocationReason();
      return Outcome.fail(
          ReasonCode.REVOKED,
          OpenSslError.CERT_REVOKED,
          node.name()
              + " (serial "
              + node.ref().serial()
              + ") is revoked: the CRL of "
              + issuer.subject()
              + " (thisUpdate "
              + Wording.time(thisUpdate)
              + ") lists it since "
              + Wording.time(entry.getRevocationDate().toInstant())
              + (reason != null ? ", reason " + reason : "")
              + ".",
          "Issue a new certificate to replace "
              + node.subject()
              + "; if it was revoked by mistake, publish a CRL "
              + "without serial "
              + node.ref().serial()
              + ".");
    }
    int count = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
    return Outcome.pass(
        "not among the "
            + count
            + " revoked in the CRL of "
            + issuer.subject()
            + " (thisUpdate "
            + Wording.time(thisUpdate)
            + (nextUpdate != null ? ", nextUpdate " + Wording.time(nextUpdate) : "")
            + ")");
  }

  private static boolean verifies(X509CRL crl, PathNode issuer) {
    // Not signed by this key (or unreadable signature): the caller reports it as such.
    return BouncyCastle.signedBy(crl, issuer.certificate().getPublicKey());
  }
}
