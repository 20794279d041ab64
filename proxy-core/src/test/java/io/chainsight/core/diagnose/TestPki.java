package io.chainsight.core.diagnose;

import io.chainsight.core.certs.BouncyCastle;
import io.chainsight.core.certs.HeldCertificate;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The three-tier PKI of the brief (root, intermediate, leaves) for diagnosis tests, plus CRLs: each
 * test states only the defect it is about. Public so that proxy-cli tests can reuse it through the
 * test-jar.
 */
public final class TestPki {
  public final HeldCertificate root;
  public final HeldCertificate intermediate;

  public TestPki() {
    this("Keylime Root", "Keylime Intermediate");
  }

  public TestPki(String rootName, String intermediateName) {
    this(
        rootName,
        intermediateName,
        Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(365)));
  }

  /** CAs valid from {@code notBefore} to {@code notAfter}: for reports checked at a fixed time. */
  public TestPki(Instant notBefore, Instant notAfter) {
    this("Keylime Root", "Keylime Intermediate", notBefore, notAfter);
  }

  private TestPki(String rootName, String intermediateName, Instant notBefore, Instant notAfter) {
    root =
        HeldCertificate.builder()
            .commonName(rootName)
            .certificateAuthority(1)
            .validity(notBefore, notAfter)
            .build();
    intermediate =
        HeldCertificate.builder()
            .commonName(intermediateName)
            .certificateAuthority(0)
            .signedBy(root)
            .validity(notBefore, notAfter)
            .build();
  }

  /** A client (agent) certificate issued by the intermediate; tune it before {@code build()}. */
  public HeldCertificate.Builder agent(String name) {
    return HeldCertificate.builder()
        .commonName(name)
        .signedBy(intermediate)
        .purpose(HeldCertificate.Purpose.CLIENT_AUTH);
  }

  /** A server certificate issued by the intermediate, for {@code host}. */
  public HeldCertificate.Builder server(String host) {
    return HeldCertificate.builder()
        .commonName(host)
        .signedBy(intermediate)
        .purpose(HeldCertificate.Purpose.SERVER_AUTH)
        .addSubjectAlternativeName(host);
  }

  public static List<X509Certificate> chain(HeldCertificate... certificates) {
    return Arrays.stream(certificates).map(HeldCertificate::certificate).toList();
  }

  /** A CRL by {@code issuer}, current from an hour ago for a day, revoking {@code revoked}. */
  public static X509CRL crl(HeldCertificate issuer, HeldCertificate... revoked) {
    Instant now = Instant.now();
    return crl(issuer, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), revoked);
  }

  public static X509CRL crl(
      HeldCertificate issuer, Instant thisUpdate, Instant nextUpdate, HeldCertificate... revoked) {
    try {
      X509v2CRLBuilder builder =
          new X509v2CRLBuilder(
              X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
              Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (HeldCertificate certificate : revoked) {
        BigInteger serial = certificate.certificate().getSerialNumber();
        builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
      }
      String algorithm =
          issuer.privateKey().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CRLConverter()
          .setProvider(BouncyCastle.PROVIDER)
          .getCRL(
              builder.build(
                  new JcaContentSignerBuilder(algorithm)
                      .setProvider(BouncyCastle.PROVIDER)
                      .build(issuer.privateKey())));
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot build a CRL for " + issuer.certificate().getSubjectX500Principal(), e);
    }
  }
}
