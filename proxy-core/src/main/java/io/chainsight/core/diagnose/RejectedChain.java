package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The chain we sent in a handshake the peer refused, checked from here against its own top
 * certificate, and the causes collected for the peer's alert: what {@link ClientRejection} and
 * {@link ServerRejection} share. A check our chain fails from here becomes a CONFIRMED cause; the
 * causes both sides reason alike (clock skew, checks our chain passes) are here too, the rest stay
 * with the alert in those two classes.
 */
final class RejectedChain {
  /** A certificate that became valid less recently than this is not new enough to blame a clock. */
  private static final Duration RECENT = Duration.ofDays(1);

  /** A certificate that expires sooner than this makes a clock that is ahead the likely cause. */
  private static final Duration SOON = Duration.ofDays(7);

  private final List<X509Certificate> sent;
  private final Instant at;
  private final Purpose purpose;
  private final List<CertificateRef> refs = new ArrayList<>();

  /** Our chain against its own top; null when we sent no certificate. */
  private final ChainDiagnosis selfCheck;

  /** How causes and remarks name our chain: {@code chain}, {@code client chain}. */
  private final String ourChain;

  private final List<Cause> causes = new ArrayList<>();

  /**
   * @param sent the chain we sent, leaf first; empty when we sent none
   * @param at when the handshake failed
   * @param purpose what we presented the chain for
   * @param trustStoreName how the steps name the peer's trust store
   * @param expectedHost the name or address our leaf had to hold, when known
   * @param ourChain how causes and remarks name our chain: {@code chain}, {@code client chain}
   */
  RejectedChain(
      List<X509Certificate> sent,
      Instant at,
      Purpose purpose,
      String trustStoreName,
      Optional<String> expectedHost,
      String ourChain) {
    this.sent = List.copyOf(sent);
    this.at = at;
    this.purpose = purpose;
    this.ourChain = ourChain;
    for (int i = 0; i < sent.size(); i++) {
      refs.add(CertificateRef.presented(i, sent.get(i)));
    }
    if (sent.isEmpty()) {
      this.selfCheck = null;
    } else {
      X509Certificate top = sent.get(sent.size() - 1);
      // Against its own top: what any peer that trusts our root (or our top CA) can verify.
      this.selfCheck =
          ChainAnalyzer.builder()
              .trustAnchors(List.of(top))
              .purpose(purpose)
              .partialChain(!selfSigned(top))
              .trustStoreName(trustStoreName)
              .build()
              .analyze(sent, at, expectedHost);
    }
  }

  List<CertificateRef> refs() {
    return refs;
  }

  /** Our chain checked from here; only when we sent one. */
  ChainDiagnosis selfCheck() {
    return selfCheck;
  }

  CertificateRef leaf() {
    return refs.get(0);
  }

  CertificateRef top() {
    return refs.get(refs.size() - 1);
  }

  /** Whether we send our root too: our top certificate is self-signed. */
  boolean rootSent() {
    return selfSigned(sent.get(sent.size() - 1));
  }

  /** Our root, named with its key id: the top certificate we send, or the CA that issued it. */
  String rootNameAndKey() {
    return rootSent()
        ? top().nameAndKey()
        : top().issuer() + top().authorityKeyId().map(a -> " (SKI " + a + ")").orElse("");
  }

  /** Whether our own chain fails one of these checks from here. */
  boolean failsWith(ReasonCode... reasons) {
    Optional<ReasonCode> own = selfCheck.reason();
    return own.isPresent() && Set.of(reasons).contains(own.get());
  }

  /**
   * The checks of the path from our leaf to a CA the peer trusts: the ones an unknown_ca alert
   * covers.
   */
  static final ReasonCode[] CA_PATH = {
    ReasonCode.ISSUER_NOT_CA,
    ReasonCode.ISSUER_KEY_USAGE,
    ReasonCode.PATH_LENGTH_EXCEEDED,
    ReasonCode.CHAIN_TOO_LONG,
    ReasonCode.ISSUER_NOT_FOUND,
    ReasonCode.ISSUER_KEY_MISMATCH
  };

  /** Adds a CONFIRMED cause when our own chain fails one of these checks from here. */
  void addConfirmedCause(ReasonCode... reasons) {
    if (failsWith(reasons)) {
      Failure f = selfCheck.failure().orElseThrow();
      causes.add(
          new Cause(
              f.openssl(),
              Cause.Likelihood.CONFIRMED,
              "Our own " + ourChain + " fails this check from here too: " + f.explanation(),
              f.fix()));
    }
  }

  /**
   * unsupported_certificate's first question, the extended key usage: CONFIRMED when our chain
   * lacks the purpose from here, else RULED_OUT, naming our leaf as {@code ourLeaf} does ({@code
   * Our leaf}).
   */
  void addPurposeCause(String ourLeaf) {
    addConfirmedCause(ReasonCode.WRONG_PURPOSE);
    if (!failsWith(ReasonCode.WRONG_PURPOSE)) {
      addCause(
          OpenSslError.INVALID_PURPOSE,
          Cause.Likelihood.RULED_OUT,
          ourLeaf
              + " "
              + leaf().subject()
              + " and our CAs allow "
              + purpose.ekuName()
              + " (checked from here).",
          "Nothing to change for this.");
    }
  }

  /**
   * @param openssl the OpenSSL error the peer would print; null when the cause is none
   */
  void addCause(OpenSslError openssl, Cause.Likelihood likelihood, String cause, String fix) {
    causes.add(new Cause(Optional.ofNullable(openssl), likelihood, cause, fix));
  }

  /**
   * When our chain fails from here but no cause found for the alert confirms it, adds that failure
   * as POSSIBLE: a defect worth fixing even if {@code peers} (clients, servers) report it with
   * another alert.
   */
  void addOwnFailureUnlessConfirmed(String peers) {
    if (!selfCheck.valid()
        && causes.stream().noneMatch(c -> c.likelihood() == Cause.Likelihood.CONFIRMED)) {
      Failure own = selfCheck.failure().orElseThrow();
      causes.add(
          new Cause(
              own.openssl(),
              Cause.Likelihood.POSSIBLE,
              "Our own "
                  + ourChain
                  + " fails from here with "
                  + own.reason()
                  + ", which "
                  + peers
                  + " usually report with another alert, but fix it too: "
                  + own.explanation(),
              own.fix()));
    }
  }

  /**
   * Clock skew, when our newest certificate became valid less than a day ago: a {@code peer}
   * (client, backend) whose clock is behind sees it as not yet valid.
   */
  void addClockBehindCause(String peer) {
    CertificateRef newest =
        refs.stream().max((a, b) -> a.notBefore().compareTo(b.notBefore())).orElseThrow();
    Duration age = Duration.between(newest.notBefore(), at);
    if (age.compareTo(RECENT) < 0) {
      addCause(
          OpenSslError.CERT_NOT_YET_VALID,
          Cause.Likelihood.LIKELY,
          "Clock skew: "
              + newest.subject()
              + " became valid only "
              + Wording.duration(age)
              + " ago, at "
              + Wording.time(newest.notBefore())
              + "; a "
              + peer
              + " whose clock is behind by more than that sees it as not yet valid.",
          "Fix the "
              + peer
              + "'s clock (NTP); when issuing, date notBefore a few minutes in the past.");
    }
  }

  /**
   * Clock skew: a {@code peer} (client, backend) whose clock is ahead sees our first certificate to
   * expire as expired; LIKELY when that is within a week.
   */
  void addClockAheadCause(String peer) {
    CertificateRef first =
        refs.stream().min((a, b) -> a.notAfter().compareTo(b.notAfter())).orElseThrow();
    Duration left = Duration.between(at, first.notAfter());
    addCause(
        OpenSslError.CERT_HAS_EXPIRED,
        left.compareTo(SOON) < 0 ? Cause.Likelihood.LIKELY : Cause.Likelihood.POSSIBLE,
        "Clock skew: our certificates are valid here, but "
            + first.subject()
            + " expires at "
            + Wording.time(first.notAfter())
            + ", in "
            + Wording.duration(left)
            + "; a "
            + peer
            + " whose clock is ahead by more than that sees it as expired.",
        "Fix the " + peer + "'s clock (NTP); renew " + first.subject() + " early.");
  }

  /** Rules out errors 79 and 25, for a chain whose CA certificates pass those checks from here. */
  void ruleOutCaConstraints() {
    addCause(
        OpenSslError.INVALID_CA,
        Cause.Likelihood.RULED_OUT,
        "Our CA certificates have basicConstraints CA:TRUE, keyCertSign and a pathLen that fits (checked from "
            + "here), so errors 79 (invalid CA) and 25 (path length) are not the reason.",
        "Nothing to change for these.");
  }

  /** Rules out errors 66 to 68, for a chain whose keys and signatures pass from here. */
  void ruleOutWeakKeys() {
    addCause(
        OpenSslError.EE_KEY_TOO_SMALL,
        Cause.Likelihood.RULED_OUT,
        "Our keys and signature algorithms are strong enough for OpenSSL 3 (errors 66, 67, 68 are not the reason).",
        "Nothing to change for this.");
  }

  /** The causes in the order found. */
  List<Cause> causes() {
    return causes;
  }

  /** The causes, most likely first. */
  List<Cause> sortedCauses() {
    return causes.stream().sorted((a, b) -> a.likelihood().compareTo(b.likelihood())).toList();
  }

  /** The most likely cause that is not ruled out: the one whose fix leads. */
  Optional<Cause> leadingCause() {
    return sortedCauses().stream()
        .filter(c -> c.likelihood() != Cause.Likelihood.RULED_OUT)
        .findFirst();
  }

  /**
   * The diagnosis: the peer's alert explained by {@code failure} and the causes, with the steps of
   * our chain's check from here; {@code peerThatTrustsIt} (a client, a backend) completes the
   * remark that says what those steps show.
   */
  ChainDiagnosis diagnosis(Failure failure, TlsAlert alert, String peerThatTrustsIt) {
    List<String> remarks = new ArrayList<>();
    remarks.add(
        "The steps check our "
            + ourChain
            + " from here, against its own top certificate "
            + top().subject()
            + " as trust anchor: what "
            + peerThatTrustsIt
            + " that trusts it can verify.");
    remarks.addAll(selfCheck.remarks());
    return new ChainDiagnosis(
        at,
        Optional.of(purpose),
        selfCheck.expectedHost(),
        refs,
        selfCheck.path(),
        selfCheck.steps(),
        Optional.of(failure),
        Optional.of(alert),
        causes,
        remarks);
  }

  static boolean selfSigned(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
        && CertificateChecks.verifies(certificate, certificate.getPublicKey());
  }
}
