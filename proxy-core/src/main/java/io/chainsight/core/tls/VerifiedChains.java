package io.chainsight.core.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client chains that passed the PKIX check, keyed by the exact bytes presented, so an agent
 * reconnecting with the same chain skips the certificate-path work. Only successes are cached, each
 * until the earliest notAfter on the chain (and, with CRLs, the earliest nextUpdate), and one
 * instance belongs to one trust generation: a reload of trust or CRLs starts an empty cache. TLS
 * itself still checks the CertificateVerify signature on every handshake, which proves the client
 * holds the key.
 */
final class VerifiedChains {
  private static final int MAX_ENTRIES = 10_000;

  private final Map<Key, Instant> validUntil = new ConcurrentHashMap<>();
  private final Instant crlsValidUntil;

  /** SHA-256 of the presented chain's DER encodings, in order. */
  private record Key(String digest) {}

  VerifiedChains(List<X509CRL> crls) {
    Instant earliest = Instant.MAX;
    for (X509CRL crl : crls) {
      if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(earliest)) {
        earliest = crl.getNextUpdate().toInstant();
      }
    }
    this.crlsValidUntil = earliest;
  }

  /** True when this exact chain verified before and nothing on it has expired since. */
  boolean contains(X509Certificate[] chain, Instant now) {
    Key key = key(chain);
    if (key == null) {
      return false;
    }
    Instant until = validUntil.get(key);
    if (until == null) {
      return false;
    }
    if (!now.isBefore(until)) {
      validUntil.remove(key);
      return false;
    }
    return true;
  }

  void add(X509Certificate[] chain, Instant now) {
    Key key = key(chain);
    if (key == null) {
      return;
    }
    Instant until = crlsValidUntil;
    for (X509Certificate certificate : chain) {
      if (certificate.getNotBefore().toInstant().isAfter(now)) {
        return;
      }
      Instant notAfter = certificate.getNotAfter().toInstant();
      if (notAfter.isBefore(until)) {
        until = notAfter;
      }
    }
    if (validUntil.size() >= MAX_ENTRIES) {
      // A flood of distinct valid chains is not the case to optimise: start over rather than track
      // recency.
      validUntil.clear();
    }
    validUntil.put(key, until);
  }

  private static Key key(X509Certificate[] chain) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (X509Certificate certificate : chain) {
        byte[] der = certificate.getEncoded();
        sha.update((byte) (der.length >>> 24));
        sha.update((byte) (der.length >>> 16));
        sha.update((byte) (der.length >>> 8));
        sha.update((byte) der.length);
        sha.update(der);
      }
      return new Key(java.util.HexFormat.of().formatHex(sha.digest()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      return null;
    }
  }
}
