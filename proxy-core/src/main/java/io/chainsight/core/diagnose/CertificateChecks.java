package io.chainsight.core.diagnose;

import io.chainsight.core.certs.BouncyCastle;
import io.chainsight.core.certs.Certificates;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks on one certificate (or one certificate and its issuer): validity, critical extensions,
 * key strength, purpose, CA constraints, signature. Each returns an {@link Outcome} whose evidence
 * quotes the certificate's own values. Thresholds follow OpenSSL 3 at the default security level
 * where it has one.
 */
final class CertificateChecks {
  static final int MIN_RSA_BITS = 2048;
  static final int MIN_EC_BITS = 256;

  /**
   * Critical extensions OpenSSL handles ({@code X509_supported_extension}); any other critical one
   * fails.
   */
  private static final Map<String, String> HANDLED_CRITICAL =
      Map.ofEntries(
          Map.entry("2.5.29.15", "keyUsage"),
          Map.entry("2.5.29.17", "subjectAltName"),
          Map.entry("2.5.29.19", "basicConstraints"),
          Map.entry("2.5.29.30", "nameConstraints"),
          Map.entry("2.5.29.32", "certificatePolicies"),
          Map.entry("2.5.29.33", "policyMappings"),
          Map.entry("2.5.29.36", "policyConstraints"),
          Map.entry("2.5.29.37", "extendedKeyUsage"),
          Map.entry("2.5.29.54", "inhibitAnyPolicy"),
          Map.entry("1.3.6.1.5.5.7.1.24", "tlsFeature"),
          Map.entry("1.3.6.1.5.5.7.1.7", "ipAddrBlocks"),
          Map.entry("1.3.6.1.5.5.7.1.8", "autonomousSysIds"),
          Map.entry("1.3.6.1.5.5.7.1.14", "proxyCertInfo"),
          Map.entry("2.16.840.1.113730.1.1", "nsCertType"));

  private static final String[] KEY_USAGE_NAMES = {
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly"
  };
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_AGREEMENT = 4;
  private static final int KEY_CERT_SIGN = 5;

  /** md2, md5 and SHA-1 signature algorithms, by OID. */
  private static final Map<String, String> WEAK_SIGNATURES =
      Map.of(
          "1.2.840.113549.1.1.2", "MD2",
          "1.2.840.113549.1.1.4", "MD5",
          "1.2.840.113549.1.1.5", "SHA-1",
          "1.3.14.3.2.29", "SHA-1",
          "1.2.840.10045.4.1", "SHA-1",
          "1.2.840.10040.4.3", "SHA-1");

  /** Signature algorithms by OID, named as {@code openssl x509 -text} prints them. */
  private static final Map<String, String> SIGNATURE_NAMES =
      Map.ofEntries(
          Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
          Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
          Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
          Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
          Map.entry("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
          Map.entry("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
          Map.entry("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
          Map.entry("1.2.840.113549.1.1.10", "rsassaPss"),
          Map.entry("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
          Map.entry("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
          Map.entry("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
          Map.entry("1.2.840.10040.4.3", "dsaWithSHA1"),
          Map.entry("1.3.101.112", "ED25519"),
          Map.entry("1.3.101.113", "ED448"));

  private static final Duration CLOCK_SKEW_HINT = Duration.ofDays(1);

  private CertificateChecks() {}

  static Outcome validity(PathNode node, int depth, Instant at, ChainAnalyzer analyzer) {
    Instant notBefore = node.ref().notBefore();
    Instant notAfter = node.ref().notAfter();
    if (at.isBefore(notBefore)) {
      Duration early = Duration.between(at, notBefore);
      boolean skew = early.compareTo(CLOCK_SKEW_HINT) < 0;
      return Outcome.fail(
          ReasonCode.NOT_YET_VALID,
          OpenSslError.CERT_NOT_YET_VALID,
          node.name()
              + " is not valid before "
              + Wording.time(notBefore)
              + ", "
              + Wording.duration(early)
              + " after the check time "
              + Wording.time(at)
              + (skew ? "; a gap this small usually means a clock is off (clock skew)" : "")
              + ".",
          (skew
                  ? "Check the clocks (NTP) of this host and of the host that issued the certificate, or wait until "
                  : "Use a certificate that is valid now, or wait until ")
              + Wording.time(notBefore)
              + "; when issuing, date notBefore a few minutes in the past.");
    }
    if (at.isAfter(notAfter)) {
      return Outcome.fail(
          ReasonCode.EXPIRED,
          OpenSslError.CERT_HAS_EXPIRED,
          node.name()
              + " expired at "
              + Wording.time(notAfter)
              + ", "
              + Wording.duration(Duration.between(notAfter, at))
              + " before the check time "
              + Wording.time(at)
              + ".",
          renewal(node, depth, analyzer)
              + " If it looks valid to you, compare this host's clock with the real time.");
    }
    return Outcome.pass("valid from " + Wording.time(notBefore) + " to " + Wording.time(notAfter));
  }

  private static String renewal(PathNode node, int depth, ChainAnalyzer analyzer) {
    if (node.trusted()) {
      return "Replace the expired trust anchor "
          + node.subject()
          + " in "
          + analyzer.trustStoreName()
          + " with its renewed certificate.";
    }
    if (depth == 0) {
      return "Renew the certificate "
          + node.subject()
          + " and install it where "
          + analyzer.purpose().sender()
          + " reads it.";
    }
    return "Renew the CA certificate "
        + node.subject()
        + " (keeping its key, so what it issued stays valid) and "
        + "replace it in the chain "
        + analyzer.purpose().sender()
        + " sends.";
  }

  static Outcome criticalExtensions(PathNode node) {
    Set<String> critical = node.certificate().getCriticalExtensionOIDs();
    if (critical == null || critical.isEmpty()) {
      return Outcome.pass("no critical extensions");
    }
    List<String> handled = new ArrayList<>();
    Set<String> unknown = new TreeSet<>();
    for (String oid : critical) {
      String name = HANDLED_CRITICAL.get(oid);
      if (name == null) {
        unknown.add(oid);
      } else {
        handled.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      return Outcome.fail(
          ReasonCode.UNKNOWN_CRITICAL_EXTENSION,
          OpenSslError.UNHANDLED_CRITICAL_EXTENSION,
          node.name()
              + " has critical extension "
              + String.join(", ", unknown)
              + ", which verifiers do not "
              + "understand and therefore must reject (RFC 5280 section 4.2).",
          "Reissue "
              + node.subject()
              + " without extension "
              + String.join(", ", unknown)
              + ", or with it marked non-critical.");
    }
    handled.sort(null);
    return Outcome.pass("critical extensions all understood: " + String.join(", ", handled));
  }

  static Outcome keyStrength(PathNode node, int depth) {
    PublicKey key = node.certificate().getPublicKey();
    int bits = keyBits(key);
    int minimum = key instanceof ECPublicKey ? MIN_EC_BITS : MIN_RSA_BITS;
    if (bits > 0 && bits < minimum) {
      return Outcome.fail(
          ReasonCode.WEAK_KEY_OR_ALGORITHM,
          depth == 0 && !node.trusted()
              ? OpenSslError.EE_KEY_TOO_SMALL
              : OpenSslError.CA_KEY_TOO_SMALL,
          node.name()
              + " has a "
              + describeKey(key)
              + " key (expected: RSA of at least "
              + MIN_RSA_BITS
              + " bits or EC of at least "
              + MIN_EC_BITS
              + " bits; OpenSSL 3 rejects it at security level 2).",
          "Reissue "
              + node.subject()
              + " with a new EC P-256 or RSA 2048-bit (or larger) key"
              + (depth > 0 ? ", then reissue the certificates it signed." : "."));
    }
    return Outcome.pass(describeKey(key) + " key");
  }

  /** The leaf's purpose: extendedKeyUsage, then keyUsage, as OpenSSL's purpose check reads them. */
  static Outcome leafPurpose(PathNode node, Purpose purpose) {
    X509Certificate cert = node.certificate();
    List<String> eku = extendedKeyUsage(cert);
    if (eku != null
        && !eku.contains(purpose.oid())
        && !eku.contains(Purpose.ANY_EXTENDED_KEY_USAGE)) {
      return Outcome.fail(
          ReasonCode.WRONG_PURPOSE,
          OpenSslError.INVALID_PURPOSE,
          node.name()
              + " has extendedKeyUsage "
              + ekuNames(eku)
              + ", without "
              + purpose.ekuName()
              + " (expected for "
              + purpose.description()
              + ").",
          "Reissue "
              + node.subject()
              + " with extendedKeyUsage "
              + purpose.ekuName()
              + " (openssl: -addext extendedKeyUsage="
              + purpose.ekuName()
              + ").");
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (keyUsage != null && !allowsTls(keyUsage, purpose)) {
      String needed =
          purpose == Purpose.CLIENT_AUTH
              ? "digitalSignature (or keyAgreement)"
              : "digitalSignature (or keyEncipherment or keyAgreement)";
      return Outcome.fail(
          ReasonCode.WRONG_PURPOSE,
          OpenSslError.INVALID_PURPOSE,
          node.name()
              + " has keyUsage "
              + keyUsageNames(keyUsage)
              + ", without "
              + needed
              + " (expected for "
              + purpose.description()
              + ").",
          "Reissue " + node.subject() + " with keyUsage digitalSignature.");
    }
    return Outcome.pass(
        eku == null
            ? "no extendedKeyUsage: good for any purpose, " + purpose.ekuName() + " included"
            : "extendedKeyUsage " + ekuNames(eku) + " allows " + purpose.ekuName());
  }

  /**
   * A CA's extendedKeyUsage, when it has one: OpenSSL requires it to allow the purpose too, so a CA
   * restricted to serverAuth issues no valid client certificates. Null when the CA has no
   * extendedKeyUsage (no step).
   */
  static Outcome caPurpose(PathNode node, Purpose purpose) {
    List<String> eku = extendedKeyUsage(node.certificate());
    if (eku == null) {
      return null;
    }
    if (!eku.contains(purpose.oid()) && !eku.contains(Purpose.ANY_EXTENDED_KEY_USAGE)) {
      return Outcome.fail(
          ReasonCode.WRONG_PURPOSE,
          OpenSslError.INVALID_PURPOSE,
          "CA "
              + node.name()
              + " restricts extendedKeyUsage to "
              + ekuNames(eku)
              + "; OpenSSL applies a CA's "
              + "extendedKeyUsage to the certificates below it, so none is valid for "
              + purpose.description()
              + ".",
          "Reissue the CA certificate "
              + node.subject()
              + " without extendedKeyUsage, or with "
              + purpose.ekuName()
              + " in it.");
    }
    return Outcome.pass("CA extendedKeyUsage " + ekuNames(eku) + " allows " + purpose.ekuName());
  }

  /**
   * The issuer's right to issue {@code child}: basicConstraints CA:TRUE, keyUsage keyCertSign, and
   * a pathLen that allows the {@code intermediatesBelow} CA certificates between it and the leaf.
   */
  static Outcome caConstraints(PathNode issuer, PathNode child, List<PathNode> intermediatesBelow) {
    X509Certificate cert = issuer.certificate();
    if (cert.getVersion() == 1 && issuer.selfIssued()) {
      return Outcome.pass("version 1 self-signed root: accepted as a CA");
    }
    boolean hasBasicConstraints = cert.getExtensionValue("2.5.29.19") != null;
    int pathLen = cert.getBasicConstraints();
    String reissue =
        "Reissue "
            + issuer.subject()
            + " as a CA (openssl: -addext basicConstraints=critical,CA:TRUE "
            + "-addext keyUsage=critical,keyCertSign,cRLSign) and reissue "
            + child.subject()
            + " from it, or sign "
            + child.subject()
            + " with the real CA.";
    if (!hasBasicConstraints) {
      return Outcome.fail(
          ReasonCode.ISSUER_NOT_CA,
          OpenSslError.INVALID_CA,
          issuer.name()
              + ", the issuer of "
              + child.subject()
              + ", has no basicConstraints extension, so it is not "
              + "a CA (expected: basicConstraints critical, CA:TRUE).",
          reissue);
    }
    if (pathLen < 0) {
      return Outcome.fail(
          ReasonCode.ISSUER_NOT_CA,
          OpenSslError.INVALID_CA,
          issuer.name()
              + ", the issuer of "
              + child.subject()
              + ", has basicConstraints CA:FALSE: it is an "
              + "end-entity certificate, not a CA (expected: CA:TRUE).",
          reissue);
    }
    boolean[] keyUsage = cert.getKeyUsage();
    if (keyUsage != null && !keyUsage[KEY_CERT_SIGN]) {
      return Outcome.fail(
          ReasonCode.ISSUER_KEY_USAGE,
          OpenSslError.INVALID_CA,
          issuer.name()
              + ", the issuer of "
              + child.subject()
              + ", has keyUsage "
              + keyUsageNames(keyUsage)
              + ", without keyCertSign, so it may not sign certificates.",
          "Reissue "
              + issuer.subject()
              + " with keyUsage keyCertSign, cRLSign "
              + "(openssl: -addext keyUsage=critical,keyCertSign,cRLSign).");
    }
    long below = intermediatesBelow.stream().filter(n -> !n.selfIssued()).count();
    if (pathLen != Integer.MAX_VALUE && below > pathLen) {
      List<String> names = intermediatesBelow.stream().map(PathNode::subject).toList();
      return Outcome.fail(
          ReasonCode.PATH_LENGTH_EXCEEDED,
          OpenSslError.PATH_LENGTH_EXCEEDED,
          issuer.name()
              + " has pathLen "
              + pathLen
              + " (at most "
              + Wording.plural(pathLen, "CA certificate")
              + " below it), but the path has "
              + below
              + " below it: "
              + String.join(", ", names)
              + ".",
          "Reissue "
              + issuer.subject()
              + " with basicConstraints CA:TRUE, pathlen:"
              + below
              + " (or without pathlen), or issue the leaf from a CA that may issue it.");
    }
    return Outcome.pass(
        "CA:TRUE"
            + (pathLen == Integer.MAX_VALUE ? "" : ", pathLen " + pathLen)
            + (keyUsage == null ? ", no keyUsage" : ", keyUsage " + keyUsageNames(keyUsage)));
  }

  /**
   * The child's signature by the issuer; the lookup already tried it, {@code verified} says how it
   * went.
   */
  static Outcome signature(
      PathNode child, PathNode issuer, boolean verified, ChainAnalyzer analyzer) {
    X509Certificate cert = child.certificate();
    String algorithm = SIGNATURE_NAMES.getOrDefault(cert.getSigAlgOID(), cert.getSigAlgName());
    if (!verified) {
      String aki = child.ref().authorityKeyId().orElse(null);
      String ski = issuer.ref().subjectKeyId().orElse(null);
      if (aki != null && aki.equals(ski)) {
        return Outcome.fail(
            ReasonCode.SIGNATURE_INVALID,
            OpenSslError.CERT_SIGNATURE_FAILURE,
            "The "
                + algorithm
                + " signature of "
                + child.name()
                + " does not verify with the key of "
                + issuer.name()
                + ", although its AKI "
                + aki
                + " matches that CA's SKI: the certificate was "
                + "altered or corrupted after signing.",
            "Get an intact copy of "
                + child.subject()
                + " (re-download or reissue it from "
                + issuer.subject()
                + ").");
      }
      return Outcome.fail(
          ReasonCode.ISSUER_KEY_MISMATCH,
          OpenSslError.CERT_SIGNATURE_FAILURE,
          child.name()
              + " names "
              + issuer.subject()
              + " as issuer, but its "
              + algorithm
              + " signature does not verify with the key of "
              + issuer.name()
              + " (SKI "
              + (ski == null ? "absent" : ski)
              + (aki == null ? "; the certificate has no AKI to tell the keys apart" : "")
              + "): same name, "
              + "different key, so the CA was re-created after "
              + child.subject()
              + " was issued.",
          "Use certificates issued by the current "
              + issuer.subject()
              + ": reissue "
              + child.subject()
              + ", or put the CA certificate that signed it into "
              + analyzer.trustStoreName()
              + ".");
    }
    String weak = WEAK_SIGNATURES.get(cert.getSigAlgOID());
    if (weak != null) {
      return Outcome.fail(
          ReasonCode.WEAK_KEY_OR_ALGORITHM,
          OpenSslError.CA_MD_TOO_WEAK,
          child.name()
              + " is signed with "
              + algorithm
              + ": "
              + weak
              + " signatures can be forged, and OpenSSL 3 "
              + "rejects them at the default security level.",
          "Reissue " + child.subject() + " with a SHA-256 signature (openssl: -sha256).");
    }
    return Outcome.pass(algorithm + " signature verifies with the key of " + issuer.ref().label());
  }

  static boolean verifies(X509Certificate certificate, PublicKey key) {
    // Any failure to verify (wrong key, key type mismatch, malformed signature) means "not signed
    // by
    // it".
    return BouncyCastle.signedBy(certificate, key);
  }

  static boolean selfSigned(PathNode node) {
    return node.selfIssued() && verifies(node.certificate(), node.certificate().getPublicKey());
  }

  static int keyBits(PublicKey key) {
    if (key instanceof RSAPublicKey) {
      return ((RSAPublicKey) key).getModulus().bitLength();
    }
    if (key instanceof ECPublicKey) {
      return ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof DSAPublicKey) {
      return ((DSAPublicKey) key).getParams().getP().bitLength();
    }
    return -1;
  }

  static String describeKey(PublicKey key) {
    int bits = keyBits(key);
    String algorithm = key instanceof ECPublicKey ? "EC" : key.getAlgorithm();
    return bits > 0 ? algorithm + " " + bits + "-bit" : algorithm;
  }

  static List<String> extendedKeyUsage(X509Certificate cert) {
    try {
      return cert.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  static String ekuNames(List<String> eku) {
    List<String> names = new ArrayList<>();
    for (String oid : eku) {
      names.add(Certificates.extendedKeyUsageName(oid));
    }
    return String.join(", ", names);
  }

  static String keyUsageNames(boolean[] keyUsage) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keyUsage.length && i < KEY_USAGE_NAMES.length; i++) {
      if (keyUsage[i]) {
        names.add(KEY_USAGE_NAMES[i]);
      }
    }
    return names.isEmpty() ? "(empty)" : String.join(", ", names);
  }

  private static boolean allowsTls(boolean[] keyUsage, Purpose purpose) {
    boolean any = keyUsage[DIGITAL_SIGNATURE] || keyUsage[KEY_AGREEMENT];
    return purpose == Purpose.CLIENT_AUTH ? any : any || keyUsage[KEY_ENCIPHERMENT];
  }
}
