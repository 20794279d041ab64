package io.chainsight.core.certs;

import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The credentials the listener serves and trusts, loaded from files and checked as a whole: the key matches
 * the leaf, each certificate of the chain is issued by the next, the trust bundle is not empty. A failure is a
 * {@link ConfigException} naming the setting, the file and the fix, so {@code check-config}, {@code run} and a
 * reload say the same thing.
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
      problems.addAll(chainLinkProblems(settings.certificateChain(), chain));
      if (key != null) {
        String mismatch = keyMismatch(settings, chain.get(0), key);
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

  /** Each certificate must be issued, and signed, by the one after it: leaf first, then intermediates, then root. */
  static List<String> chainLinkProblems(Path file, List<X509Certificate> chain) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      String where = "tls.certificate-chain: " + file + ": certificate " + (i + 1) + " ("
          + Certificates.subject(child) + ")";
      if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
        problems.add(where + " is issued by " + Certificates.issuer(child) + ", but certificate " + (i + 2)
            + " is " + Certificates.subject(parent) + " (expected: leaf first, then each issuer in turn; "
            + "reorder the PEM blocks or add the missing intermediate)");
        continue;
      }
      try {
        child.verify(parent.getPublicKey(), BouncyCastle.PROVIDER);
      } catch (GeneralSecurityException e) {
        problems.add(where + " names " + Certificates.subject(parent) + " as issuer, but its signature does not "
            + "verify with certificate " + (i + 2) + "'s key (expected: the CA certificate that signed it; the "
            + "CA was probably re-created with a new key: use the current CA certificate)");
      }
    }
    return problems;
  }

  private static String keyMismatch(TlsSettings settings, X509Certificate leaf, PrivateKey key) {
    PublicKey publicKey = leaf.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())
        && !(publicKey.getAlgorithm().startsWith("EC") && key.getAlgorithm().startsWith("EC"))) {
      return "tls.private-key: " + settings.privateKey() + " is a " + key.getAlgorithm() + " key, but the leaf "
          + "certificate in " + settings.certificateChain() + " (" + Certificates.subject(leaf) + ") has a "
          + publicKey.getAlgorithm() + " key (expected: the key the leaf was issued for)";
    }
    if (!signatureVerifies(key, publicKey)) {
      return "tls.private-key: " + settings.privateKey() + " does not match the leaf certificate in "
          + settings.certificateChain() + " (" + Certificates.subject(leaf) + ", SHA-256 "
          + Certificates.sha256(leaf) + ") (expected: the key the leaf was issued for; check "
          + "`openssl x509 -noout -pubkey -in CHAIN` against `openssl pkey -pubout -in KEY`)";
    }
    return null;
  }

  private static boolean signatureVerifies(PrivateKey key, PublicKey publicKey) {
    String algorithm = key.getAlgorithm().startsWith("EC") ? "SHA256withECDSA"
        : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm();
    byte[] probe = "chainsight key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
