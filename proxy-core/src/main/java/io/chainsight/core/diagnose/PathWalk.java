package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One analysis: walks from the leaf to a trust anchor, recording a step per check; stops at the
 * first failure.
 */
final class PathWalk {
  private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private final ChainAnalyzer analyzer;
  private final Instant at;
  private final Optional<String> host;
  private final List<PathNode> presented = new ArrayList<>();
  private final List<PathNode> path = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final List<String> remarks = new ArrayList<>();
  private Failure failure;
  private boolean anchorReached;

  PathWalk(ChainAnalyzer analyzer, List<X509Certificate> chain, Instant at, Optional<String> host) {
    this.analyzer = analyzer;
    this.at = at;
    this.host = host;
    for (int i = 0; i < chain.size(); i++) {
      presented.add(new PathNode(chain.get(i), CertificateRef.presented(i, chain.get(i)), false));
    }
  }

  ChainDiagnosis run() {
    walk();
    if (anchorReached) {
      remarkOnPresentedOrder();
      remarkOnExpiry();
    }
    return new ChainDiagnosis(
        at,
        Optional.of(analyzer.purpose()),
        host,
        presented.stream().map(PathNode::ref).toList(),
        path.stream().map(PathNode::ref).toList(),
        steps,
        Optional.ofNullable(failure),
        Optional.empty(),
        List.of(),
        remarks);
  }

  private void walk() {
    if (presented.isEmpty()) {
      record(
          null,
          Step.Check.CERTIFICATE_PRESENTED,
          Outcome.fail(
              ReasonCode.NO_CLIENT_CERTIFICATE,
              null,
              Wording.capitalize(analyzer.purpose().sender())
                  + " sent no certificate, but one is required.",
              analyzer.purpose() == Purpose.CLIENT_AUTH
                  ? "Configure the client to send its certificate and key (rust-keylime's push-model agent: "
                      + "registrar_tls_cert and registrar_tls_key; curl: --cert/--key), issued by a CA in "
                      + analyzer.trustStoreName()
                      + "; or make client certificates optional for this route."
                  : "Configure the server with a certificate."));
      return;
    }
    if (presented.size() > analyzer.maxChainLength()) {
      record(
          presented.get(0),
          Step.Check.CHAIN_LENGTH,
          tooLong(presented.size() + " certificates were presented"));
      return;
    }
    PathNode leaf = presented.get(0);
    PathNode node = analyzer.anchors().identicalTo(leaf, presented).orElse(leaf);
    path.add(node);
    while (true) {
      int depth = path.size() - 1;
      if (!record(node, Step.Check.VALIDITY, CertificateChecks.validity(node, depth, at, analyzer))
          || !record(
              node, Step.Check.CRITICAL_EXTENSIONS, CertificateChecks.criticalExtensions(node))
          || !record(node, Step.Check.KEY_STRENGTH, CertificateChecks.keyStrength(node, depth))) {
        return;
      }
      Outcome purpose =
          depth == 0
              ? CertificateChecks.leafPurpose(node, analyzer.purpose())
              : CertificateChecks.caPurpose(node, analyzer.purpose());
      if (purpose != null && !record(node, Step.Check.PURPOSE, purpose)) {
        return;
      }
      if (node.trusted() && (analyzer.partialChain() || CertificateChecks.selfSigned(node))) {
        record(
            node,
            Step.Check.TRUST_ANCHOR,
            Outcome.pass(
                CertificateChecks.selfSigned(node)
                    ? "trusted and self-signed: the path ends here"
                    : "trusted, not self-signed: the path ends here because partial chains are allowed"));
        anchorReached = true;
        break;
      }
      if (path.size() + 1 > analyzer.maxChainLength()) {
        record(
            node,
            Step.Check.CHAIN_LENGTH,
            tooLong("the path has more than " + analyzer.maxChainLength() + " certificates"));
        return;
      }
      IssuerLookup.Result lookup = new IssuerLookup(analyzer, presented).find(node, depth, path);
      if (!record(node, Step.Check.ISSUER_LOOKUP, lookup.outcome())) {
        if (failure.reason() == ReasonCode.ISSUER_NOT_FOUND
            && !node.trusted()
            && presented.size() == 1) {
          remarks.add(
              "nginx and openssl s_client (whose verify callback lets error 20 pass) report a single "
                  + "certificate without its issuer as error 21 \"unable to verify the first certificate\".");
        }
        return;
      }
      PathNode issuer = lookup.issuer();
      // CA certificates between the issuer and the leaf, for the issuer's pathLen.
      List<PathNode> intermediatesBelow = List.copyOf(path.subList(1, path.size()));
      path.add(issuer);
      if (!record(
              node,
              Step.Check.SIGNATURE,
              CertificateChecks.signature(node, issuer, lookup.signatureVerified(), analyzer))
          || !record(
              issuer,
              Step.Check.CA_CONSTRAINTS,
              CertificateChecks.caConstraints(issuer, node, intermediatesBelow))) {
        return;
      }
      if (analyzer.revocation().enabled()
          && !node.trusted()
          && !record(node, Step.Check.REVOCATION, analyzer.revocation().check(node, issuer, at))) {
        return;
      }
      node = issuer;
    }
    if (!CertificateChecks.selfSigned(path.get(path.size() - 1))) {
      remarks.add(
          "The path ends at "
              + path.get(path.size() - 1).name()
              + ", which is not self-signed: accepted "
              + "because partial chains are allowed; clients without partial-chain support (openssl s_client, nginx, "
              + "the Rust agent) fail with OpenSSL error 2 \"unable to get issuer certificate\".");
    }
    host.ifPresent(
        h ->
            record(
                path.get(0), Step.Check.HOST_NAME, HostNameCheck.check(path.get(0), h, remarks)));
  }

  private Outcome tooLong(String what) {
    return Outcome.fail(
        ReasonCode.CHAIN_TOO_LONG,
        OpenSslError.CERT_CHAIN_TOO_LONG,
        Wording.capitalize(what)
            + " (at most "
            + analyzer.maxChainLength()
            + " allowed, trust anchor included).",
        Wording.capitalize(analyzer.purpose().sender())
            + " should send only its leaf and the intermediates up to "
            + "the root; remove unrelated or repeated certificates from its certificate file.");
  }

  /** Records a step; on a failure also the diagnosis' failure. Returns whether the step passed. */
  private boolean record(PathNode node, Step.Check check, Outcome outcome) {
    Optional<CertificateRef> ref = Optional.ofNullable(node).map(PathNode::ref);
    int number = steps.size() + 1;
    steps.add(
        new Step(
            number,
            ref,
            check,
            outcome.passed() ? Step.Verdict.PASS : Step.Verdict.FAIL,
            outcome.detail()));
    if (!outcome.passed()) {
      Optional<OpenSslError> openssl = Optional.ofNullable(outcome.openssl());
      failure =
          new Failure(
              outcome.reason(),
              OptionalInt.of(number),
              ref,
              outcome.detail(),
              outcome.fix(),
              openssl,
              openssl.map(OpenSslError::alert).or(() -> outcome.reason().alert()));
    }
    return outcome.passed();
  }

  /** Presented certificates the path skipped over, or used in another order than sent. */
  private void remarkOnPresentedOrder() {
    List<Integer> used = new ArrayList<>();
    for (PathNode node : path) {
      OptionalInt index =
          node.ref().source() == CertificateRef.Source.PRESENTED
              ? OptionalInt.of(node.ref().index())
              : node.ref().presentedIndex();
      index.ifPresent(used::add);
    }
    for (int i = 1; i < used.size(); i++) {
      if (used.get(i) < used.get(i - 1)) {
        remarks.add(
            "The presented certificates are out of order: the path uses them as "
                + used.stream().map(u -> "presented[" + u + "]").toList()
                + "; TLS 1.2 (RFC 5246) requires each certificate to be "
                + "followed by its issuer. OpenSSL and Java reorder, some clients do not.");
        break;
      }
    }
    for (PathNode p : presented) {
      if (!used.contains(p.ref().index())) {
        remarks.add(
            p.name()
                + " (issued by "
                + p.ref().issuer()
                + ") is not on the path: superfluous, it only adds "
                + "bytes to every handshake.");
      }
    }
  }

  private void remarkOnExpiry() {
    for (PathNode node : path) {
      Duration left = Duration.between(at, node.ref().notAfter());
      if (!left.isNegative() && left.compareTo(EXPIRY_WARNING) < 0) {
        remarks.add(
            node.name()
                + " expires in "
                + Wording.duration(left)
                + ", at "
                + Wording.time(node.ref().notAfter())
                + ".");
      }
    }
  }
}
