package io.chainsight.core.admin;

import io.chainsight.core.certs.Certificates;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/** One certificate as /certs shows it, in JSON and as an indented text block. */
final class CertificateView {
  private CertificateView() {}

  /** Whole days until notAfter, rounded down; negative once expired. */
  static long daysLeft(X509Certificate certificate, Instant now) {
    return Math.floorDiv(
        Duration.between(now, certificate.getNotAfter().toInstant()).toSeconds(), 86_400L);
  }

  static Map<String, Object> json(
      int index, X509Certificate certificate, String source, Instant now) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("index", index);
    json.put("subject", Certificates.subject(certificate));
    json.put("issuer", Certificates.issuer(certificate));
    json.put("serial", Certificates.serialHex(certificate));
    json.put("subjectKeyId", Certificates.subjectKeyId(certificate));
    json.put("authorityKeyId", Certificates.authorityKeyId(certificate));
    Map<String, Object> sans = new LinkedHashMap<>();
    sans.put("dns", Certificates.dnsNames(certificate));
    sans.put("ip", Certificates.ipAddresses(certificate));
    sans.put("uri", Certificates.uris(certificate));
    json.put("subjectAltNames", sans);
    Map<String, Object> key = new LinkedHashMap<>();
    PublicKey publicKey = certificate.getPublicKey();
    key.put("type", publicKey.getAlgorithm());
    key.put("bits", keyBits(publicKey));
    key.put("curve", curve(publicKey));
    json.put("key", key);
    // Upper case whichever provider parsed the certificate (the JDK writes SHA256withECDSA, Bouncy
    // Castle SHA256WITHECDSA): the value stays what /certs has always shown.
    json.put("signatureAlgorithm", certificate.getSigAlgName().toUpperCase(Locale.ROOT));
    json.put("basicConstraints", basicConstraints(certificate));
    json.put("notBefore", certificate.getNotBefore().toInstant().toString());
    json.put("notAfter", certificate.getNotAfter().toInstant().toString());
    json.put("daysLeft", daysLeft(certificate, now));
    json.put("sha256", Certificates.sha256(certificate));
    json.put("source", source);
    return json;
  }

  static void text(
      StringBuilder out, int index, X509Certificate certificate, String source, Instant now) {
    PublicKey publicKey = certificate.getPublicKey();
    String curve = curve(publicKey);
    long days = daysLeft(certificate, now);
    out.append("  [")
        .append(index)
        .append("] ")
        .append(Certificates.subject(certificate))
        .append('\n');
    line(out, "issuer", Certificates.issuer(certificate));
    line(out, "serial", Certificates.serialHex(certificate));
    line(out, "SKI", orNone(Certificates.subjectKeyId(certificate)));
    line(out, "AKI", orNone(Certificates.authorityKeyId(certificate)));
    line(out, "SANs", sans(certificate));
    line(
        out,
        "key",
        publicKey.getAlgorithm()
            + " "
            + keyBits(publicKey)
            + " bits"
            + (curve == null ? "" : " (" + curve + ")"));
    line(out, "signature", certificate.getSigAlgName().toUpperCase(Locale.ROOT));
    line(out, "CA", basicConstraints(certificate));
    line(
        out,
        "valid",
        certificate.getNotBefore().toInstant()
            + " to "
            + certificate.getNotAfter().toInstant()
            + (days >= 0 ? " (" + days + " days left)" : " (EXPIRED " + -days + " days ago)"));
    line(out, "SHA-256", Certificates.sha256(certificate));
    line(out, "from", source);
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append(String.format("      %-10s %s%n", label, value));
  }

  private static String orNone(String value) {
    return value == null ? "(none)" : value;
  }

  private static String sans(X509Certificate certificate) {
    List<String> dns = Certificates.dnsNames(certificate);
    List<String> ips = Certificates.ipAddresses(certificate);
    List<String> uris = Certificates.uris(certificate);
    StringBuilder out = new StringBuilder();
    dns.forEach(name -> out.append(out.length() == 0 ? "" : ", ").append("DNS:").append(name));
    ips.forEach(ip -> out.append(out.length() == 0 ? "" : ", ").append("IP:").append(ip));
    uris.forEach(uri -> out.append(out.length() == 0 ? "" : ", ").append("URI:").append(uri));
    return out.length() == 0 ? "(none)" : out.toString();
  }

  static String basicConstraints(X509Certificate certificate) {
    int pathLen = certificate.getBasicConstraints();
    if (pathLen < 0) {
      return certificate.getExtensionValue("2.5.29.19") == null
          ? "no basicConstraints"
          : "CA:FALSE";
    }
    return pathLen == Integer.MAX_VALUE ? "CA:TRUE" : "CA:TRUE, pathLen:" + pathLen;
  }

  static Integer keyBits(PublicKey key) {
    if (key instanceof ECPublicKey) {
      return ((ECPublicKey) key).getParams().getOrder().bitLength();
    }
    if (key instanceof RSAPublicKey) {
      return ((RSAPublicKey) key).getModulus().bitLength();
    }
    switch (key.getAlgorithm()) {
      case "Ed25519":
        return 255;
      case "Ed448":
        return 448;
      default:
        return null;
    }
  }

  /** The named curve of an EC key (its OID in the encoded key), as OpenSSL names it. */
  static String curve(PublicKey key) {
    if (!(key instanceof ECPublicKey)) {
      return null;
    }
    ASN1Encodable parameters =
        SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
    return parameters instanceof ASN1ObjectIdentifier
        ? ECNamedCurveTable.getName((ASN1ObjectIdentifier) parameters)
        : null;
  }
}
