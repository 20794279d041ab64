package io.chainsight.core.proxy;

import io.chainsight.core.certs.Certificates;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who the client proved to be in the handshake, and its Envoy-compatible {@code
 * X-Forwarded-Client-Cert} value: {@code Hash=<sha256 of leaf DER>;Subject="...";URI=...;DNS=...}.
 */
public record ClientIdentity(
    X509Certificate leaf, String subject, String sha256, String forwardedClientCert) {

  /** The verified client leaf of this session, or empty when the client sent no certificate. */
  public static Optional<ClientIdentity> of(SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate)) {
      return Optional.empty();
    }
    return Optional.of(of((X509Certificate) peer[0]));
  }

  public static ClientIdentity of(X509Certificate leaf) {
    String subject = Certificates.subject(leaf);
    String hash = Certificates.sha256(leaf);
    StringBuilder xfcc =
        new StringBuilder("Hash=")
            .append(hash)
            .append(";Subject=\"")
            .append(escapeQuoted(subject))
            .append('"');
    for (String uri : Certificates.uris(leaf)) {
      xfcc.append(";URI=").append(quoteIfNeeded(uri));
    }
    for (String dns : Certificates.dnsNames(leaf)) {
      xfcc.append(";DNS=").append(quoteIfNeeded(dns));
    }
    return new ClientIdentity(leaf, subject, hash, xfcc.toString());
  }

  private static String quoteIfNeeded(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == ';' || c == '=' || c == '"') {
        return "\"" + escapeQuoted(value) + "\"";
      }
    }
    return value;
  }

  private static String escapeQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
