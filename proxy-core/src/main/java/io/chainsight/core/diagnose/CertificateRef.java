package io.chainsight.core.diagnose;

import io.chainsight.core.certs.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which certificate a step is about, and how to find it again: where it came from (the presented
 * chain or the trust anchors) and its identity as openssl prints it.
 *
 * @param source where it came from
 * @param index position in the presented chain (0 = leaf) or in the trust anchors, by {@code
 *     source}
 * @param presentedIndex for a trust anchor that the peer also sent, its position in the presented
 *     chain
 * @param sha256 SHA-256 of the DER encoding, lower-case hex
 * @param subjectKeyId SKI as colon-separated hex, when present
 * @param authorityKeyId AKI key id as colon-separated hex, when present
 */
public record CertificateRef(
    Source source,
    int index,
    OptionalInt presentedIndex,
    String subject,
    String issuer,
    String serial,
    String sha256,
    Optional<String> subjectKeyId,
    Optional<String> authorityKeyId,
    Instant notBefore,
    Instant notAfter) {

  /** Where a certificate on the path came from. */
  public enum Source {
    PRESENTED,
    TRUST_ANCHOR
  }

  public CertificateRef {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(presentedIndex, "presentedIndex");
    Objects.requireNonNull(subjectKeyId, "subjectKeyId");
    Objects.requireNonNull(authorityKeyId, "authorityKeyId");
  }

  static CertificateRef presented(int index, X509Certificate certificate) {
    return of(Source.PRESENTED, index, OptionalInt.empty(), certificate);
  }

  static CertificateRef anchor(int index, OptionalInt presentedIndex, X509Certificate certificate) {
    return of(Source.TRUST_ANCHOR, index, presentedIndex, certificate);
  }

  private static CertificateRef of(
      Source source, int index, OptionalInt presentedIndex, X509Certificate cert) {
    return new CertificateRef(
        source,
        index,
        presentedIndex,
        Certificates.subject(cert),
        Certificates.issuer(cert),
        Certificates.serialHex(cert),
        Certificates.sha256(cert),
        Optional.ofNullable(Certificates.subjectKeyId(cert)),
        Optional.ofNullable(Certificates.authorityKeyId(cert)),
        cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant());
  }

  /**
   * {@code presented[1]}, {@code trust anchor #2}, or {@code trust anchor #1 (also presented[2])}.
   */
  public String label() {
    if (source == Source.PRESENTED) {
      return "presented[" + index + "]";
    }
    return "trust anchor #"
        + (index + 1)
        + (presentedIndex.isPresent()
            ? " (also presented[" + presentedIndex.getAsInt() + "])"
            : "");
  }

  /** {@code presented[0] CN=agent-1}. */
  public String shortName() {
    return label() + " " + subject;
  }

  /** {@code CN=Keylime Root (SKI 12:AB:...)}: the name and the key, as evidence is quoted. */
  public String nameAndKey() {
    return subjectKeyId.map(ski -> subject + " (SKI " + ski + ")").orElse(subject + " (no SKI)");
  }
}
