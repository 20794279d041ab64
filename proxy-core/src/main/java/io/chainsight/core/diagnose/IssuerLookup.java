package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.security.auth.x500.X500Principal;

/**
 * Finds the issuer of a certificate the way OpenSSL does (trusted-first): trust anchors first, then
 * the certificates the peer presented, unless the certificate is itself trusted, in which case only
 * trust anchors count. A candidate must have the issuer's name, a subjectKeyIdentifier equal to the
 * certificate's authorityKeyIdentifier (when both exist) and a key that verifies the signature.
 * Failures tell apart "nobody has that name" from "a certificate has that name but another key".
 */
final class IssuerLookup {

  /**
   * The outcome of the lookup step; on a pass, the issuer and whether the signature already
   * verified.
   */
  record Result(Outcome outcome, PathNode issuer, boolean signatureVerified) {}

  private final ChainAnalyzer analyzer;
  private final List<PathNode> presented;

  IssuerLookup(ChainAnalyzer analyzer, List<PathNode> presented) {
    this.analyzer = analyzer;
    this.presented = presented;
  }

  Result find(PathNode node, int depth, List<PathNode> path) {
    X509Certificate cert = node.certificate();
    X500Principal issuerName = cert.getIssuerX500Principal();
    String aki = node.ref().authorityKeyId().orElse(null);

    List<PathNode> candidates = new ArrayList<>(analyzer.anchors().named(issuerName, presented));
    if (!node.trusted()) {
      for (PathNode p : presented) {
        if (p.certificate().getSubjectX500Principal().equals(issuerName) && !onPath(p, path)) {
          candidates.add(p);
        }
      }
    }
    List<PathNode> keyMatch = new ArrayList<>();
    List<PathNode> keyMismatch = new ArrayList<>();
    for (PathNode candidate : candidates) {
      String ski = candidate.ref().subjectKeyId().orElse(null);
      (aki == null || ski == null || aki.equals(ski) ? keyMatch : keyMismatch).add(candidate);
    }
    for (PathNode candidate : keyMatch) {
      if (CertificateChecks.verifies(cert, candidate.certificate().getPublicKey())) {
        return new Result(
            Outcome.pass(
                "found "
                    + candidate.name()
                    + " by name and "
                    + (aki != null && candidate.ref().subjectKeyId().isPresent()
                        ? "key id " + aki
                        : "signature (no key ids)")),
            candidate,
            true);
      }
    }
    if (CertificateChecks.selfSigned(node)) {
      return new Result(selfSigned(node, depth), null, false);
    }
    if (!keyMatch.isEmpty()) {
      // Name and key id match but the signature fails: the signature step says why.
      PathNode candidate = keyMatch.get(0);
      return new Result(
          Outcome.pass(
              "found "
                  + candidate.name()
                  + " by name"
                  + (aki != null && candidate.ref().subjectKeyId().isPresent()
                      ? " and key id " + aki
                      : "")),
          candidate,
          false);
    }
    OpenSslError error =
        node.trusted()
            ? OpenSslError.UNABLE_TO_GET_ISSUER_CERT
            : OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    if (!keyMismatch.isEmpty()) {
      return new Result(keyMismatch(node, keyMismatch.get(0), aki, error), null, false);
    }
    return new Result(
        node.trusted() ? untrustedTop(node, issuerName, aki) : notFound(node, issuerName, aki),
        null,
        false);
  }

  private static boolean onPath(PathNode candidate, List<PathNode> path) {
    for (PathNode p : path) {
      if (p.ref().sha256().equals(candidate.ref().sha256())) {
        return true;
      }
    }
    return false;
  }

  private Outcome selfSigned(PathNode node, int depth) {
    String anchors = anchorNames();
    Optional<PathNode> sameName =
        analyzer.anchors().named(node.certificate().getSubjectX500Principal(), presented).stream()
            .findFirst();
    String rotated =
        sameName
            .map(
                a ->
                    "; "
                        + a.ref().label()
                        + " has the same name but "
                        + a.ref().subjectKeyId().map(s -> "SKI " + s).orElse("another key")
                        + ", so the CA was re-created with a new key")
            .orElse("");
    if (depth == 0) {
      return Outcome.fail(
          ReasonCode.SELF_SIGNED_LEAF,
          OpenSslError.DEPTH_ZERO_SELF_SIGNED_CERT,
          node.name()
              + " is self-signed (issuer = subject, signed by its own key) and is not among the "
              + analyzer.anchors().count()
              + " trust anchors ("
              + anchors
              + ")"
              + rotated
              + ".",
          Wording.capitalize(analyzer.purpose().sender())
              + " should use a certificate issued by a CA in "
              + analyzer.trustStoreName()
              + "; to pin this very certificate instead, add it there (SHA-256 "
              + node.ref().sha256()
              + ").");
    }
    return Outcome.fail(
        ReasonCode.UNTRUSTED_ROOT,
        OpenSslError.SELF_SIGNED_CERT_IN_CHAIN,
        node.name()
            + " is a self-signed root ("
            + node.ref().subjectKeyId().map(s -> "SKI " + s).orElse("no SKI")
            + ") that is not among the "
            + analyzer.anchors().count()
            + " trust anchors ("
            + anchors
            + ")"
            + rotated
            + ".",
        "If you trust this root, add it to "
            + analyzer.trustStoreName()
            + " (SHA-256 "
            + node.ref().sha256()
            + "); otherwise "
            + analyzer.purpose().sender()
            + " must use a certificate issued under a trusted root.");
  }

  private Outcome keyMismatch(PathNode node, PathNode candidate, String aki, OpenSslError error) {
    String ski = candidate.ref().subjectKeyId().orElse("?");
    return Outcome.fail(
        ReasonCode.ISSUER_KEY_MISMATCH,
        error,
        node.name()
            + " names its issuer "
            + node.ref().issuer()
            + " with key id (AKI) "
            + aki
            + ", but "
            + candidate.name()
            + " has key id (SKI) "
            + ski
            + ": same name, different key, so the CA was re-created "
            + "after "
            + node.subject()
            + " was issued, or one side holds the old CA certificate.",
        "Reissue "
            + node.subject()
            + " from the current "
            + candidate.subject()
            + " (SKI "
            + ski
            + "), or, if the CA "
            + "with key id "
            + aki
            + " is the right one, put that CA certificate into "
            + analyzer.trustStoreName()
            + (node.trusted()
                ? "."
                : " or into the chain " + analyzer.purpose().sender() + " sends."));
  }

  private Outcome notFound(PathNode node, X500Principal issuerName, String aki) {
    String issuer = issuerName.getName(X500Principal.RFC2253);
    return Outcome.fail(
        ReasonCode.ISSUER_NOT_FOUND,
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        node.name()
            + " names its issuer "
            + issuer
            + (aki != null ? " (AKI " + aki + ")" : "")
            + ", but no "
            + "certificate with that name is among the "
            + presented.size()
            + " presented or the "
            + analyzer.anchors().count()
            + " trust anchors ("
            + anchorNames()
            + ")"
            + renamed(aki)
            + ".",
        Wording.capitalize(analyzer.purpose().sender())
            + " must send "
            + issuer
            + " after "
            + node.subject()
            + " (its certificate file holds the leaf, then each intermediate), or add "
            + issuer
            + " (and, unless it is self-signed, its issuers up to the root) to "
            + analyzer.trustStoreName()
            + ".");
  }

  /**
   * A trusted certificate that is not self-signed, whose issuer is not trusted: OpenSSL error 2.
   */
  private Outcome untrustedTop(PathNode node, X500Principal issuerName, String aki) {
    String issuer = issuerName.getName(X500Principal.RFC2253);
    OptionalInt presentedIssuer = OptionalInt.empty();
    for (PathNode p : presented) {
      if (p.certificate().getSubjectX500Principal().equals(issuerName)) {
        presentedIssuer = OptionalInt.of(p.ref().index());
        break;
      }
    }
    String ignored =
        presentedIssuer.isPresent()
            ? " (so presented[" + presentedIssuer.getAsInt() + "] " + issuer + " is not used)"
            : "";
    return Outcome.fail(
        ReasonCode.ISSUER_NOT_FOUND,
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT,
        node.name()
            + " is trusted but not self-signed, and its issuer "
            + issuer
            + (aki != null ? " (AKI " + aki + ")" : "")
            + " is not among the trust anchors; without partial chains "
            + "(OpenSSL's default) a path must end at a trusted self-signed root, and once a trusted certificate "
            + "is on the path only trusted certificates are searched"
            + ignored
            + ".",
        "Add the root "
            + issuer
            + " to "
            + analyzer.trustStoreName()
            + "; if that file lists "
            + node.subject()
            + " first and the client reads only the first PEM block (rust-keylime's registrar_tls_ca_cert, "
            + "reqwest/native-tls Certificate::from_pem), put the root first or alone.");
  }

  /**
   * Evidence for a renamed CA: a trust anchor has the key the certificate names, under another
   * name.
   */
  private String renamed(String aki) {
    if (aki == null) {
      return "";
    }
    return analyzer
        .anchors()
        .withKeyId(aki)
        .map(
            anchor ->
                "; "
                    + anchor.label()
                    + " "
                    + anchor.subject()
                    + " has that key id but another name, so the "
                    + "CA was renamed")
        .orElse("");
  }

  private String anchorNames() {
    return Wording.list(analyzer.anchors().subjects(), 4);
  }
}
