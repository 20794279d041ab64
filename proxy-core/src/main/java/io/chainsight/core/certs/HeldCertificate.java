package io.chainsight.core.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate and its private key, made with Bouncy Castle. The builder reads like the PKI it
 * makes ({@code .certificateAuthority(0).signedBy(root)}) and has a knob for every defect the
 * diagnostics must name, so tests and the example PKI can make broken certificates on purpose.
 */
public final class HeldCertificate {
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private HeldCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  public static Builder builder() {
    return new Builder();
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  public String certificatePem() {
    return Pem.encode(certificate);
  }

  public String privateKeyPem() {
    return Pem.encode(keyPair.getPrivate());
  }

  /** Key algorithms the builder can make. */
  public enum KeyType {
    EC_P256,
    EC_P384,
    RSA_2048,
    /** Too weak on purpose: for testing {@code WEAK_KEY_OR_ALGORITHM}. */
    RSA_1024
  }

  /** What the leaf is for: goes into extendedKeyUsage. */
  public enum Purpose {
    SERVER_AUTH,
    CLIENT_AUTH
  }

  public static final class Builder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private String subject;
    private HeldCertificate issuer;
    private KeyPair keyPair;
    private KeyType keyType = KeyType.EC_P256;
    private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
    private int maxIntermediates = -1;
    private boolean basicConstraints = true;
    private boolean caFlag;
    private boolean keyCertSign = true;
    private final List<Purpose> purposes = new ArrayList<>();
    private final List<GeneralName> altNames = new ArrayList<>();
    private String signatureAlgorithm;
    private boolean keyIdentifiers = true;
    private boolean unknownCriticalExtension;
    private BigInteger serial;

    private Builder() {}

    /** Subject as a full DN ({@code "CN=agent-1,O=Keylime"}) or a bare common name. */
    public Builder subject(String subject) {
      this.subject = subject.contains("=") ? subject : "CN=" + subject;
      return this;
    }

    public Builder commonName(String commonName) {
      this.subject = "CN=" + commonName;
      return this;
    }

    /**
     * A CA certificate allowing {@code maxIntermediates} CAs below it (-1: no pathLen constraint).
     */
    public Builder certificateAuthority(int maxIntermediates) {
      this.caFlag = true;
      this.maxIntermediates = maxIntermediates;
      return this;
    }

    public Builder signedBy(HeldCertificate issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder keyPair(KeyPair keyPair) {
      this.keyPair = keyPair;
      return this;
    }

    public Builder keyType(KeyType keyType) {
      this.keyType = keyType;
      return this;
    }

    public Builder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    public Builder serial(BigInteger serial) {
      this.serial = serial;
      return this;
    }

    public Builder purpose(Purpose purpose) {
      this.purposes.add(purpose);
      return this;
    }

    /** A DNS name, or an IP address literal (which becomes an IP SAN). */
    public Builder addSubjectAlternativeName(String name) {
      altNames.add(
          isIpLiteral(name)
              ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name));
      return this;
    }

    public Builder addUriSubjectAlternativeName(String uri) {
      altNames.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      return this;
    }

    /** A CA certificate with CA:FALSE: an issuer the diagnostics must call "not a CA". */
    public Builder caFalse() {
      this.caFlag = false;
      this.basicConstraints = true;
      return this;
    }

    /** No basicConstraints extension at all. */
    public Builder withoutBasicConstraints() {
      this.basicConstraints = false;
      return this;
    }

    /** A CA whose keyUsage lacks keyCertSign. */
    public Builder withoutKeyCertSign() {
      this.keyCertSign = false;
      return this;
    }

    /** Leave out the subject and authority key identifiers. */
    public Builder withoutKeyIdentifiers() {
      this.keyIdentifiers = false;
      return this;
    }

    /**
     * Sign with this JCA algorithm name instead of the default for the issuer's key (e.g.
     * SHA1withECDSA).
     */
    public Builder signatureAlgorithm(String algorithm) {
      this.signatureAlgorithm = algorithm;
      return this;
    }

    /** Add a critical private extension nobody understands. */
    public Builder unknownCriticalExtension() {
      this.unknownCriticalExtension = true;
      return this;
    }

    public HeldCertificate build() {
      Objects.requireNonNull(subject, "subject (expected: call subject() or commonName())");
      try {
        KeyPair keys = keyPair != null ? keyPair : generateKeyPair(keyType);
        // Read the way Certificates.subject() prints (RFC 2253: most specific RDN first), so
        // "CN=a,O=b" comes
        // back as "CN=a,O=b" and openssl shows the conventional "O = b, CN = a".
        X500Name subjectName = X500Name.getInstance(new X500Principal(subject).getEncoded());
        X500Name issuerName =
            issuer != null
                ? X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded())
                : subjectName;
        KeyPair signingKeys = issuer != null ? issuer.keyPair() : keys;
        BigInteger serialNumber =
            serial != null ? serial : new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);

        X509v3CertificateBuilder builder =
            new JcaX509v3CertificateBuilder(
                issuerName,
                serialNumber,
                Date.from(notBefore),
                Date.from(notAfter),
                subjectName,
                keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        if (keyIdentifiers) {
          builder.addExtension(
              Extension.subjectKeyIdentifier,
              false,
              ext.createSubjectKeyIdentifier(keys.getPublic()));
          builder.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              ext.createAuthorityKeyIdentifier(signingKeys.getPublic()));
        }
        if (basicConstraints) {
          BasicConstraints bc =
              caFlag
                  ? (maxIntermediates >= 0
                      ? new BasicConstraints(maxIntermediates)
                      : new BasicConstraints(true))
                  : new BasicConstraints(false);
          builder.addExtension(Extension.basicConstraints, true, bc);
        }
        boolean isCa = caFlag && basicConstraints;
        int usage =
            isCa
                ? (keyCertSign
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.cRLSign)
                : KeyUsage.digitalSignature
                    | (keyType.name().startsWith("RSA") ? KeyUsage.keyEncipherment : 0);
        if (isCa || !purposes.isEmpty()) {
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        }
        if (!purposes.isEmpty()) {
          KeyPurposeId[] ids =
              purposes.stream()
                  .map(
                      p ->
                          p == Purpose.SERVER_AUTH
                              ? KeyPurposeId.id_kp_serverAuth
                              : KeyPurposeId.id_kp_clientAuth)
                  .toArray(KeyPurposeId[]::new);
          builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids));
        }
        if (!altNames.isEmpty()) {
          builder.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        if (unknownCriticalExtension) {
          builder.addExtension(
              new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1.1"),
              true,
              new DEROctetString(new byte[] {0x05, 0x00}));
        }
        String algorithm =
            signatureAlgorithm != null
                ? signatureAlgorithm
                : defaultSignatureAlgorithm(signingKeys);
        X509Certificate cert =
            new JcaX509CertificateConverter()
                .setProvider(BouncyCastle.provider())
                .getCertificate(
                    builder.build(
                        new JcaContentSignerBuilder(algorithm)
                            .setProvider(BouncyCastle.provider())
                            .build(signingKeys.getPrivate())));
        return new HeldCertificate(keys, cert);
      } catch (GeneralSecurityException | OperatorCreationException e) {
        throw new IllegalStateException(
            "cannot build certificate " + subject + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static String defaultSignatureAlgorithm(KeyPair signer) {
      return signer.getPrivate().getAlgorithm().startsWith("EC")
          ? "SHA256withECDSA"
          : "SHA256withRSA";
    }

    static KeyPair generateKeyPair(KeyType type) throws GeneralSecurityException {
      switch (type) {
        case EC_P256:
        case EC_P384:
          {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(
                new ECGenParameterSpec(type == KeyType.EC_P256 ? "secp256r1" : "secp384r1"),
                RANDOM);
            return generator.generateKeyPair();
          }
        case RSA_2048:
        case RSA_1024:
          {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(type == KeyType.RSA_2048 ? 2048 : 1024, RANDOM);
            return generator.generateKeyPair();
          }
        default:
          throw new IllegalArgumentException("key type " + type);
      }
    }

    private static boolean isIpLiteral(String name) {
      if (name.contains(":")) {
        return true;
      }
      if (!name.matches("[0-9.]+")) {
        return false;
      }
      try {
        InetAddress.getByName(name);
        return true;
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }
}
