package io.chainsight.core.certs;

import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.TlsSettings;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * The credentials the listener serves and trusts, loaded from files and checked as a whole: the key
 * matches the leaf, each certificate of the chain is issued by the next, the trust bundle is not
 * empty. A failure is a {@link ConfigException} naming the setting, the file and the fix, so {@code
 * check-config}, {@code run} and a reload say the same thing.
 */
public record TlsMaterial(
    List<X509Certificate> chain,
    PrivateKey privateKey,
    List<X509Certificate> trustAnchors,
    List<X509CRL> crls) {

  public TlsMaterial {
    chain = List.copyOf(chain);
    trustAnchors = List.copyOf(trustAnchors);
    crls = List.copyOf(crls);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public static TlsMaterial load(TlsSettings settings) throws ConfigException {
    List<String> problems = new ArrayList<>();
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    List<X509Certificate> anchors = List.of();
    List<X509CRL> crls = new ArrayList<>();
    try {
      chain = Pem.readCertificates(settings.certificateChain());
    } catch (PemException e) {
      problems.add("tls.certificate-chain: " + e.getMessage());
    }
    try {
      key = Pem.readPrivateKey(settings.privateKey());
    } catch (PemException e) {
      problems.add("tls.private-key: " + e.getMessage());
    }
    if (settings.trustedCas().isPresent()) {
      try {
        anchors = Pem.readCertificates(settings.trustedCas().get());
      } catch (PemException e) {
        problems.add("tls.trusted-cas: " + e.getMessage());
      }
    }
    for (Path crl : settings.crls()) {
      try {
        crls.addAll(Pem.readCrls(crl));
      } catch (PemException e) {
        problems.add("tls.crls: " + e.getMessage());
      }
    }
    if (chain != null) {
      problems.addAll(
          chainLinkProblems("tls.certificate-chain", settings.certificateChain(), chain));
      if (key != null) {
        // When the only fault is the order, check the key against the real leaf: one problem, not
        // two.
        X509Certificate leaf = inIssuerOrder(chain).orElse(chain).get(0);
        String mismatch =
            keyMismatch(
                "tls.private-key", settings.privateKey(), settings.certificateChain(), leaf, key);
        if (mismatch != null) {
          problems.add(mismatch);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new TlsMaterial(chain, key, anchors, crls);
  }

  /**
   * Each certificate must be issued, and signed, by the one after it: leaf first, then
   * intermediates, then root. When the same certificates would link in another order, that order is
   * the one problem reported.
   */
  static List<String> chainLinkProblems(String setting, Path file, List<X509Certificate> chain) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i + 1 < chain.size(); i++) {
      String problem = linkProblem(setting, file, chain, i);
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (problems.isEmpty()) {
      return problems;
    }
    Optional<List<X509Certificate>> ordered = inIssuerOrder(chain);
    if (ordered.isPresent()) {
      return List.of(
          setting
              + ": "
              + file
              + ": the certificates are out of order (found: "
              + subjects(chain)
              + "; expected: leaf first, then each issuer in turn: "
              + subjects(ordered.get())
              + "; reorder the PEM blocks)");
    }
    return problems;
  }

  private static String linkProblem(String setting, Path file, List<X509Certificate> chain, int i) {
    X509Certificate child = chain.get(i);
    X509Certificate parent = chain.get(i + 1);
    String where =
        setting
            + ": "
            + file
            + ": certificate "
            + (i + 1)
            + " ("
            + Certificates.subject(child)
            + ")";
    if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
      int issuerAt = indexOfSubject(chain, child.getIssuerX500Principal());
      if (issuerAt < 0) {
        return where
            + " is issued by "
            + Certificates.issuer(child)
            + ", which is not in the file; certificate "
            + (i + 2)
            + " is "
            + Certificates.subject(parent)
            + " (expected: each certificate followed by its "
            + "issuer; add the "
            + Certificates.issuer(child)
            + " certificate after certificate "
            + (i + 1)
            + ")";
      }
      return where
          + " is issued by "
          + Certificates.issuer(child)
          + ", which is certificate "
          + (issuerAt + 1)
          + ", but certificate "
          + (i + 2)
          + " is "
          + Certificates.subject(parent)
          + " (expected: leaf first, "
          + "then each issuer in turn; reorder the PEM blocks)";
    }
    if (!signedBy(child, parent)) {
      return where
          + " names "
          + Certificates.subject(parent)
          + " as issuer, but its signature does not "
          + "verify with certificate "
          + (i + 2)
          + "'s key (expected: the CA certificate that signed it; the "
          + "CA was probably re-created with a new key: use the current CA certificate)";
    }
    return null;
  }

  /**
   * The same certificates, leaf first and each followed by its issuer, if they form one such chain
   * (the chain itself when it is in order already).
   */
  static Optional<List<X509Certificate>> inIssuerOrder(List<X509Certificate> chain) {
    for (X509Certificate leaf : chain) {
      List<X509Certificate> remaining = new ArrayList<>(chain);
      remaining.remove(leaf);
      List<X509Certificate> ordered = new ArrayList<>(List.of(leaf));
      X509Certificate issuer;
      while ((issuer = issuerOf(ordered.get(ordered.size() - 1), remaining)) != null) {
        remaining.remove(issuer);
        ordered.add(issuer);
      }
      if (remaining.isEmpty()) {
        return Optional.of(List.copyOf(ordered));
      }
    }
    return Optional.empty();
  }

  private static X509Certificate issuerOf(X509Certificate child, List<X509Certificate> candidates) {
    for (X509Certificate candidate : candidates) {
      if (child.getIssuerX500Principal().equals(candidate.getSubjectX500Principal())
          && signedBy(child, candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
    return BouncyCastle.signedBy(child, issuer.getPublicKey());
  }

  private static int indexOfSubject(List<X509Certificate> chain, X500Principal subject) {
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).getSubjectX500Principal().equals(subject)) {
        return i;
      }
    }
    return -1;
  }

  private static String subjects(List<X509Certificate> chain) {
    return chain.stream().map(Certificates::subject).collect(Collectors.joining(", then "));
  }

  /**
   * Whether the key belongs to the leaf, as a problem for {@code keySetting}; null when it does.
   */
  static String keyMismatch(
      String keySetting, Path keyFile, Path chainFile, X509Certificate leaf, PrivateKey key) {
    PublicKey publicKey = leaf.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())
        && !(publicKey.getAlgorithm().startsWith("EC") && key.getAlgorithm().startsWith("EC"))) {
      return keySetting
          + ": "
          + keyFile
          + " is a "
          + key.getAlgorithm()
          + " key, but the leaf "
          + "certificate in "
          + chainFile
          + " ("
          + Certificates.subject(leaf)
          + ") has a "
          + publicKey.getAlgorithm()
          + " key (expected: the key the leaf was issued for)";
    }
    if (!KeyMatch.matches(key, publicKey)) {
      return keySetting
          + ": "
          + keyFile
          + " does not match the leaf certificate in "
          + chainFile
          + " ("
          + Certificates.subject(leaf)
          + ", SHA-256 "
          + Certificates.sha256(leaf)
          + ") (expected: the key the leaf was issued for; check "
          + "`openssl x509 -noout -pubkey -in CHAIN` against `openssl pkey -pubout -in KEY`)";
    }
    return null;
  }
}
