package io.chainsight.core.certs;

import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ConfigException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the proxy needs to reach an https backend (the registrar's 8891), loaded from a route's
 * {@code tls} and checked as a whole: the CAs that may issue the backend's certificate, and, when
 * set, the client certificate chainsight presents there and its key. The checks are the served
 * chain's (order, signatures, key match) plus one of its own: a client certificate must allow
 * clientAuth, which a reused server certificate often does not.
 *
 * @param chain the client certificate, then its intermediates; empty when the route presents none
 * @param privateKey the client certificate's key; present exactly when {@code chain} is
 * @param trustAnchors the CAs the backend's certificate must chain to
 */
public record BackendTlsMaterial(
    Optional<List<X509Certificate>> chain,
    Optional<PrivateKey> privateKey,
    List<X509Certificate> trustAnchors) {

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_PURPOSE = "2.5.29.37.0";

  public BackendTlsMaterial {
    chain = chain.map(List::copyOf);
    trustAnchors = List.copyOf(trustAnchors);
    if (chain.isPresent() != privateKey.isPresent()) {
      throw new IllegalArgumentException("a client certificate chain and its key come together");
    }
  }

  /**
   * Reads and checks the files a route's {@code tls} names.
   *
   * @param where the setting in messages, e.g. {@code routes[2].tls}
   * @throws ConfigException with one line per problem, each naming the setting, the file and the
   *     fix
   */
  public static BackendTlsMaterial load(String where, BackendTlsSettings settings)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    List<X509Certificate> anchors = List.of();
    try {
      anchors = Pem.readCertificates(settings.trustedCas());
    } catch (PemException e) {
      problems.add(where + ".trusted-cas: " + e.getMessage());
    }
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    if (settings.certificateChain().isPresent() && settings.privateKey().isPresent()) {
      Path chainFile = settings.certificateChain().get();
      Path keyFile = settings.privateKey().get();
      try {
        chain = Pem.readCertificates(chainFile);
      } catch (PemException e) {
        problems.add(where + ".certificate-chain: " + e.getMessage());
      }
      try {
        key = Pem.readPrivateKey(keyFile);
      } catch (PemException e) {
        problems.add(where + ".private-key: " + e.getMessage());
      }
      if (chain != null) {
        problems.addAll(
            TlsMaterial.chainLinkProblems(where + ".certificate-chain", chainFile, chain));
        X509Certificate leaf = TlsMaterial.inIssuerOrder(chain).orElse(chain).get(0);
        String purpose = clientAuthProblem(where + ".certificate-chain", chainFile, leaf);
        if (purpose != null) {
          problems.add(purpose);
        }
        if (key != null) {
          String mismatch =
              TlsMaterial.keyMismatch(where + ".private-key", keyFile, chainFile, leaf, key);
          if (mismatch != null) {
            problems.add(mismatch);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new BackendTlsMaterial(Optional.ofNullable(chain), Optional.ofNullable(key), anchors);
  }

  /** The leaf presented to the backend, if any. */
  public Optional<X509Certificate> leaf() {
    return chain.map(c -> c.get(0));
  }

  /**
   * An extendedKeyUsage without clientAuth (or anyExtendedKeyUsage) makes the backend refuse the
   * certificate, OpenSSL error 26; no extension at all allows every purpose.
   */
  private static String clientAuthProblem(String setting, Path file, X509Certificate leaf) {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return setting
          + ": "
          + file
          + ": the extendedKeyUsage of "
          + Certificates.subject(leaf)
          + " cannot be "
          + "read: "
          + e.getMessage()
          + " (expected: an extendedKeyUsage that includes clientAuth, or none at all)";
    }
    if (usages == null || usages.contains(CLIENT_AUTH) || usages.contains(ANY_PURPOSE)) {
      return null;
    }
    return setting
        + ": "
        + file
        + ": "
        + Certificates.subject(leaf)
        + " is not a client certificate: its "
        + "extendedKeyUsage is "
        + String.join(", ", usages.stream().map(Certificates::extendedKeyUsageName).toList())
        + " without clientAuth, so the backend would refuse it (OpenSSL error 26, unsupported certificate purpose) "
        + "(expected: a certificate for chainsight to present whose extendedKeyUsage includes clientAuth, or one "
        + "with no extendedKeyUsage at all, as Keylime's own CA tooling issues them; a server certificate serves "
        + "only if it has both serverAuth and clientAuth)";
  }
}
