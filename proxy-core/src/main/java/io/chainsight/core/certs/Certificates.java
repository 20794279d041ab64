package io.chainsight.core.certs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * How certificates are named everywhere chainsight prints them: RFC 4514 names, hex fingerprints
 * and key ids.
 */
public final class Certificates {
  private static final HexFormat HEX = HexFormat.of();
  private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();
  private static final Map<String, String> EXTENDED_KEY_USAGES =
      Map.of(
          "1.3.6.1.5.5.7.3.1", "serverAuth",
          "1.3.6.1.5.5.7.3.2", "clientAuth",
          "1.3.6.1.5.5.7.3.3", "codeSigning",
          "1.3.6.1.5.5.7.3.4", "emailProtection",
          "1.3.6.1.5.5.7.3.8", "timeStamping",
          "1.3.6.1.5.5.7.3.9", "OCSPSigning",
          "2.5.29.37.0", "anyExtendedKeyUsage");

  private Certificates() {}

  public static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }

  public static String issuer(X509Certificate certificate) {
    return certificate.getIssuerX500Principal().getName(X500Principal.RFC2253);
  }

  /**
   * SHA-256 of the DER encoding, lower-case hex without separators (the XFCC {@code Hash} form).
   */
  public static String sha256(X509Certificate certificate) {
    return HEX.formatHex(sha256Bytes(certificate));
  }

  public static byte[] sha256Bytes(X509Certificate certificate) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint " + subject(certificate), e);
    }
  }

  public static String serialHex(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16).toUpperCase();
  }

  /**
   * The subjectKeyIdentifier as colon-separated upper-case hex (the OpenSSL form), or null when
   * absent.
   */
  public static String subjectKeyId(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (value == null) {
      return null;
    }
    byte[] id =
        SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets())
            .getKeyIdentifier();
    return COLON_HEX.formatHex(id);
  }

  /** The authorityKeyIdentifier's key id as colon-separated upper-case hex, or null when absent. */
  public static String authorityKeyId(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    if (value == null) {
      return null;
    }
    byte[] id =
        AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets())
            .getKeyIdentifier();
    return id == null ? null : COLON_HEX.formatHex(id);
  }

  /** DNS names of the subjectAlternativeName. */
  public static List<String> dnsNames(X509Certificate certificate) {
    return altNames(certificate, 2);
  }

  /** URIs of the subjectAlternativeName (SPIFFE ids among them). */
  public static List<String> uris(X509Certificate certificate) {
    return altNames(certificate, 6);
  }

  /** IP addresses of the subjectAlternativeName. */
  public static List<String> ipAddresses(X509Certificate certificate) {
    return altNames(certificate, 7);
  }

  private static List<String> altNames(X509Certificate certificate, int type) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> all = certificate.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> entry : all) {
          if (((Integer) entry.get(0)) == type) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return List.of();
    }
    return names;
  }

  /**
   * An extendedKeyUsage OID by its short name, as {@code openssl -addext extendedKeyUsage=...}
   * takes it ({@code serverAuth}); the OID itself when it has none.
   */
  public static String extendedKeyUsageName(String oid) {
    return EXTENDED_KEY_USAGES.getOrDefault(oid, oid);
  }

  public static boolean isSelfIssued(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }
}
