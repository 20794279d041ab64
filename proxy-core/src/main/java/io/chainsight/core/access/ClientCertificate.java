package io.chainsight.core.access;

import io.chainsight.core.certs.Certificates;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The facts of a verified leaf that rules compare, each read from the certificate once and only
 * when a rule asks: most policies look at one or two fields, and the digests cost more than the
 * comparisons.
 */
final class ClientCertificate {
  // subjectAltName GeneralName tags (RFC 5280 4.2.1.6).
  private static final int RFC822 = 1;
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  private final X509Certificate leaf;
  private List<String> commonNames;
  private List<String> organizationalUnits;
  private List<String> issuerCommonNames;
  private List<List<?>> altNames;
  private List<InetAddress> ipAddresses;
  private byte[] spkiSha256;
  private byte[] fingerprintSha256;

  ClientCertificate(X509Certificate leaf) {
    this.leaf = leaf;
  }

  X500Principal subject() {
    return leaf.getSubjectX500Principal();
  }

  List<String> commonNames() {
    if (commonNames == null) {
      commonNames = attributes(leaf.getSubjectX500Principal(), BCStyle.CN);
    }
    return commonNames;
  }

  List<String> organizationalUnits() {
    if (organizationalUnits == null) {
      organizationalUnits = attributes(leaf.getSubjectX500Principal(), BCStyle.OU);
    }
    return organizationalUnits;
  }

  List<String> issuerCommonNames() {
    if (issuerCommonNames == null) {
      issuerCommonNames = attributes(leaf.getIssuerX500Principal(), BCStyle.CN);
    }
    return issuerCommonNames;
  }

  List<String> dnsNames() {
    return altNames(DNS);
  }

  List<String> uris() {
    return altNames(URI);
  }

  /**
   * IP SANs as addresses; the JDK renders them as literals, so reading them back needs no lookup.
   */
  List<InetAddress> ipAddresses() {
    if (ipAddresses == null) {
      List<InetAddress> addresses = new ArrayList<>();
      for (String literal : altNames(IP)) {
        RuleValues.ipAddress(literal).ifPresent(addresses::add);
      }
      ipAddresses = addresses;
    }
    return ipAddresses;
  }

  byte[] spkiSha256() {
    if (spkiSha256 == null) {
      spkiSha256 = sha256(leaf.getPublicKey().getEncoded());
    }
    return spkiSha256;
  }

  byte[] fingerprintSha256() {
    if (fingerprintSha256 == null) {
      fingerprintSha256 = Certificates.sha256Bytes(leaf);
    }
    return fingerprintSha256;
  }

  /**
   * {@code authenticated as CN=a,O=b, SANs [DNS:a.example, URI:spiffe://x/y, IP:192.0.2.1]}: for
   * the log.
   */
  String identity() {
    List<String> names = new ArrayList<>();
    for (List<?> entry : allAltNames()) {
      int tag = (Integer) entry.get(0);
      String prefix =
          switch (tag) {
            case DNS -> "DNS:";
            case URI -> "URI:";
            case IP -> "IP:";
            case RFC822 -> "email:";
            default -> null;
          };
      if (prefix != null) {
        names.add(prefix + entry.get(1));
      }
    }
    return "authenticated as "
        + Certificates.subject(leaf)
        + ", SANs ["
        + String.join(", ", names)
        + "]";
  }

  private List<String> altNames(int tag) {
    List<String> names = new ArrayList<>();
    for (List<?> entry : allAltNames()) {
      if ((Integer) entry.get(0) == tag) {
        names.add(String.valueOf(entry.get(1)));
      }
    }
    return names;
  }

  private List<List<?>> allAltNames() {
    if (altNames == null) {
      try {
        Collection<List<?>> all = leaf.getSubjectAlternativeNames();
        altNames = all == null ? List.of() : List.copyOf(all);
      } catch (CertificateParsingException e) {
        // A SAN extension the JDK cannot parse matches no SAN rule; the chain check already vetted
        // the rest.
        altNames = List.of();
      }
    }
    return altNames;
  }

  /**
   * Every value of one attribute type, multi-valued RDNs included, as text without RFC 4514
   * escaping.
   */
  private static List<String> attributes(X500Principal name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : X500Name.getInstance(name.getEncoded()).getRDNs(type)) {
      for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
        if (value.getType().equals(type)) {
          text(value).ifPresent(values::add);
        }
      }
    }
    return values;
  }

  private static Optional<String> text(AttributeTypeAndValue value) {
    return value.getValue() instanceof ASN1String string
        ? Optional.of(string.getString())
        : Optional.empty();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
