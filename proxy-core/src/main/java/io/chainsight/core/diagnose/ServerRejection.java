package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Why a server (an https backend such as the Keylime registrar's port 8891) refused the handshake
 * in which we were the client, reasoned from its alert and from the client certificate chain we
 * sent, or that we did not send. The mirror of {@link ClientRejection}: the server's verification
 * errors all arrive as a few alerts, so each is explained in terms of our certificates, and our own
 * chain is checked from here (against its own top, for client authentication) so that defects on
 * our side are confirmed rather than guessed.
 */
public final class ServerRejection {
  private static final Duration RECENT = Duration.ofDays(1);
  private static final Duration SOON = Duration.ofDays(7);

  /** Where the Keylime registrar lists the CAs it accepts client certificates from. */
  static final String KEYLIME_TRUST =
      "Keylime registrar: list that CA's PEM file in registrar.conf [registrar] trusted_client_ca, "
          + "a Python list literal of paths relative to tls_dir (e.g. trusted_client_ca = "
          + "['cacert.crt', 'chainsight-client-ca.pem']); with tls_dir = generate the registrar "
          + "trusts only the verifier's CA, cv_ca/cacert.crt, so either issue chainsight's client "
          + "certificate from that CA or point tls_dir at a directory holding both";

  private final TlsAlert alert;
  private final List<X509Certificate> sent;
  private final Instant at;
  private final Backend backend;
  private final List<CertificateRef> refs = new ArrayList<>();
  private final List<Cause> causes = new ArrayList<>();
  private final ChainDiagnosis selfCheck;

  /**
   * The server as fixes name it.
   *
   * @param address how the backend is named: {@code https://127.0.0.1:8891}
   * @param chainSetting the setting that holds the client certificate we present there: {@code
   *     routes[1].tls.certificate-chain}
   * @param protocols the TLS versions we offer it: {@code TLSv1.3, TLSv1.2}
   */
  public record Backend(String address, String chainSetting, String protocols) {
    public Backend {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(chainSetting, "chainSetting");
      Objects.requireNonNull(protocols, "protocols");
    }

    /** {@code routes[1].tls.private-key} for {@code routes[1].tls.certificate-chain}. */
    String keySetting() {
      return chainSetting.replaceFirst("certificate-chain$", "private-key");
    }
  }

  private ServerRejection(TlsAlert alert, List<X509Certificate> sent, Instant at, Backend backend) {
    this.alert = alert;
    this.sent = List.copyOf(sent);
    this.at = at;
    this.backend = backend;
    for (int i = 0; i < sent.size(); i++) {
      refs.add(CertificateRef.presented(i, sent.get(i)));
    }
    if (sent.isEmpty()) {
      this.selfCheck = null;
    } else {
      X509Certificate top = sent.get(sent.size() - 1);
      // Our chain against its own top: what a server that trusts our CA can verify.
      this.selfCheck =
          ChainAnalyzer.builder()
              .trustAnchors(List.of(top))
              .purpose(Purpose.CLIENT_AUTH)
              .partialChain(!selfSigned(top))
              .trustStoreName("the backend's trusted client CAs")
              .build()
              .analyze(sent, at);
    }
  }

  /**
   * @param alert the alert the server sent
   * @param sentChain the client certificate chain we sent, leaf first; empty when we sent none
   * @param at when the handshake failed
   * @param backend the server, and the settings fixes name
   */
  public static ChainDiagnosis explain(
      TlsAlert alert, List<X509Certificate> sentChain, Instant at, Backend backend) {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(backend, "backend");
    return new ServerRejection(alert, sentChain, at, backend).diagnose();
  }

  private ChainDiagnosis diagnose() {
    switch (alert) {
      case PROTOCOL_VERSION:
        return notAboutCertificates(
            ReasonCode.PROTOCOL_MISMATCH,
            "The backend "
                + backend.address()
                + " ended the handshake with alert "
                + alert
                + ": it accepts none of the TLS versions chainsight offers it ("
                + backend.protocols()
                + ").",
            "Enable TLS 1.2 or 1.3 on the backend; older versions are refused on purpose.");
      case INSUFFICIENT_SECURITY:
        return notAboutCertificates(
            ReasonCode.NO_SHARED_CIPHER,
            "The backend "
                + backend.address()
                + " ended the handshake with alert "
                + alert
                + ": it requires stronger cipher suites than chainsight offers.",
            "Let the backend accept ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.2) or any TLS 1.3 suite.");
      case HANDSHAKE_FAILURE:
        if (!sent.isEmpty()) {
          add(
              null,
              Cause.Likelihood.LIKELY,
              "No common cipher suite, group or signature algorithm.",
              "Let the backend accept ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.2) or any TLS 1.3 suite; "
                  + "`openssl s_client -connect HOST:PORT` shows what it offers.");
          add(
              null,
              Cause.Likelihood.POSSIBLE,
              "Some TLS 1.2 servers send handshake_failure for a client certificate they reject.",
              "Read the backend's log for the certificate it refused.");
          return withCauses(
              ReasonCode.NO_SHARED_CIPHER,
              "The backend "
                  + backend.address()
                  + " ended the handshake with alert "
                  + alert
                  + ": it found nothing it could agree on with chainsight.");
        }
        break;
      default:
        break;
    }
    if (sent.isEmpty()) {
      return noCertificateSent();
    }
    switch (alert) {
      case UNKNOWN_CA -> unknownCa();
      case CERTIFICATE_EXPIRED -> certificateExpired();
      case BAD_CERTIFICATE -> badCertificate();
      case UNSUPPORTED_CERTIFICATE -> unsupportedCertificate();
      case CERTIFICATE_UNKNOWN -> certificateUnknown();
      case DECRYPT_ERROR -> decryptError();
      case CERTIFICATE_REVOKED -> certificateRevoked();
      case ACCESS_DENIED ->
          add(
              null,
              Cause.Likelihood.LIKELY,
              "The backend verified our client certificate "
                  + leaf().subject()
                  + " but its own policy refuses it.",
              "Allow " + leaf().subject() + " in the backend's access policy.");
      default ->
          add(
              null,
              Cause.Likelihood.POSSIBLE,
              "Alert " + alert + " names no certificate problem.",
              "Read the backend's log for why it ended the handshake.");
    }
    if (!selfCheck.valid()
        && causes.stream().noneMatch(c -> c.likelihood() == Cause.Likelihood.CONFIRMED)) {
      Failure own = selfCheck.failure().orElseThrow();
      causes.add(
          new Cause(
              own.openssl(),
              Cause.Likelihood.POSSIBLE,
              "Our own client chain fails from here with "
                  + own.reason()
                  + ", which servers usually report with another alert, but fix it too: "
                  + own.explanation(),
              own.fix()));
    }
    return rejected();
  }

  /** We presented no certificate, and the server wanted one. */
  private ChainDiagnosis noCertificateSent() {
    String explanation =
        "The backend "
            + backend.address()
            + " requires a client certificate (it ended the handshake with alert "
            + alert
            + "), and chainsight sent none: "
            + backend.chainSetting()
            + " is not set for this route.";
    String fix =
        "Give the route a client certificate the backend trusts: set "
            + backend.chainSetting()
            + " and "
            + backend.keySetting()
            + " (for the Keylime registrar, a certificate issued by a CA in its trusted_client_ca, "
            + "with clientAuth or no extendedKeyUsage).";
    add(null, Cause.Likelihood.LIKELY, explanation, fix);
    if (alert == TlsAlert.HANDSHAKE_FAILURE) {
      add(
          null,
          Cause.Likelihood.POSSIBLE,
          "No common cipher suite, group or signature algorithm (TLS 1.2 servers send handshake_failure for "
              + "both).",
          "If the backend does not require client certificates, compare its TLS settings with chainsight's "
              + "(TLS 1.2 or 1.3, AEAD suites).");
    }
    Failure failure =
        new Failure(
            ReasonCode.NO_CLIENT_CERTIFICATE,
            OptionalInt.empty(),
            Optional.empty(),
            explanation,
            fix,
            Optional.empty(),
            Optional.of(alert));
    return new ChainDiagnosis(
        at,
        Optional.of(Purpose.CLIENT_AUTH),
        Optional.empty(),
        List.of(),
        List.of(),
        List.of(),
        Optional.of(failure),
        Optional.of(alert),
        causes,
        List.of());
  }

  private ChainDiagnosis notAboutCertificates(ReasonCode reason, String explanation, String fix) {
    Failure failure =
        new Failure(
            reason,
            OptionalInt.empty(),
            Optional.empty(),
            explanation,
            fix,
            Optional.empty(),
            Optional.of(alert));
    return new ChainDiagnosis(
        at,
        Optional.empty(),
        Optional.empty(),
        refs,
        List.of(),
        List.of(),
        Optional.of(failure),
        Optional.of(alert),
        List.of(),
        List.of());
  }

  private ChainDiagnosis withCauses(ReasonCode reason, String explanation) {
    Cause first = sortedCauses().get(0);
    Failure failure =
        new Failure(
            reason,
            OptionalInt.empty(),
            Optional.empty(),
            explanation,
            first.fix(),
            first.openssl(),
            Optional.of(alert));
    return new ChainDiagnosis(
        at,
        Optional.empty(),
        Optional.empty(),
        refs,
        List.of(),
        List.of(),
        Optional.of(failure),
        Optional.of(alert),
        causes,
        List.of());
  }

  private ChainDiagnosis rejected() {
    Optional<Cause> leading =
        sortedCauses().stream()
            .filter(c -> c.likelihood() != Cause.Likelihood.RULED_OUT)
            .findFirst();
    String fix = leading.map(Cause::fix).orElse("See the causes below.");
    Failure failure =
        new Failure(
            ReasonCode.BACKEND_REJECTED_OUR_CHAIN,
            OptionalInt.empty(),
            Optional.of(leaf()),
            "The backend "
                + backend.address()
                + " ended the handshake with alert "
                + alert
                + " after we sent our client certificate "
                + leaf().subject()
                + (sent.size() > 1
                    ? " and " + Wording.plural(sent.size() - 1, "CA certificate")
                    : " alone")
                + meaning()
                + ".",
            fix,
            leading.flatMap(Cause::openssl),
            Optional.of(alert));
    List<String> remarks = new ArrayList<>();
    remarks.add(
        "The steps check our client chain from here, against its own top certificate "
            + top().subject()
            + " as trust anchor: what a backend that trusts it can verify.");
    remarks.addAll(selfCheck.remarks());
    return new ChainDiagnosis(
        at,
        Optional.of(Purpose.CLIENT_AUTH),
        Optional.empty(),
        refs,
        selfCheck.path(),
        selfCheck.steps(),
        Optional.of(failure),
        Optional.of(alert),
        causes,
        remarks);
  }

  private String meaning() {
    return switch (alert) {
      case UNKNOWN_CA ->
          ": it could not build a path from it to a CA it trusts; most likely it does not trust "
              + issuerNameAndKey()
              + ", the CA that issued it";
      case CERTIFICATE_EXPIRED -> ": by its clock, a certificate of our chain has expired";
      case BAD_CERTIFICATE ->
          ": it found our certificate unacceptable (dates, key strength, encoding)";
      case UNSUPPORTED_CERTIFICATE -> ": our certificate is not valid for client authentication";
      case CERTIFICATE_UNKNOWN ->
          ": it refused our certificate for a reason the alert does not name";
      case DECRYPT_ERROR -> ": a signature did not verify";
      case CERTIFICATE_REVOKED -> ": it considers a certificate of ours revoked";
      case ACCESS_DENIED -> ": it does not allow our certificate";
      default -> "";
    };
  }

  private void unknownCa() {
    confirmed(
        ReasonCode.ISSUER_NOT_CA,
        ReasonCode.ISSUER_KEY_USAGE,
        ReasonCode.PATH_LENGTH_EXCEEDED,
        ReasonCode.CHAIN_TOO_LONG,
        ReasonCode.ISSUER_NOT_FOUND,
        ReasonCode.ISSUER_KEY_MISMATCH);
    boolean rootSent = selfSigned(sent.get(sent.size() - 1));
    add(
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        Cause.Likelihood.LIKELY,
        "The backend's trusted client CAs lack the CA that issued our client certificate "
            + leaf().subject()
            + ": "
            + issuerNameAndKey()
            + (!leaf().issuer().equals(rootName()) ? ", and its root " + rootNameAndKey() : "")
            + ".",
        (rootSent
                ? "Make the backend trust our root " + rootNameAndKey() + ". "
                : "Make the backend trust "
                    + rootNameAndKey()
                    + ", the CA above our chain, and the root above it if that is an intermediate"
                    + " (an OpenSSL server without partial chains needs the root: trusting only an"
                    + " intermediate fails with error 2). ")
            + KEYLIME_TRUST
            + ".");
    if (sent.size() == 1 && !rootSent) {
      add(
          OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
          Cause.Likelihood.POSSIBLE,
          "We send our client certificate alone; if its issuer "
              + leaf().issuer()
              + " is an intermediate, a backend that trusts only the root cannot build the path.",
          "Send the intermediates too: "
              + backend.chainSetting()
              + " must hold our client certificate, then each intermediate up to the root.");
    }
    add(
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        Cause.Likelihood.POSSIBLE,
        "The backend holds an older " + rootName() + " with another key (a re-created CA).",
        "Replace the backend's copy with ours, " + rootNameAndKey() + ".");
    if (selfCheck.valid()) {
      add(
          OpenSslError.INVALID_CA,
          Cause.Likelihood.RULED_OUT,
          "Our CA certificates have basicConstraints CA:TRUE, keyCertSign and a pathLen that fits (checked from "
              + "here), so errors 79 (invalid CA) and 25 (path length) are not the reason.",
          "Nothing to change for these.");
    }
  }

  private void certificateExpired() {
    confirmed(ReasonCode.EXPIRED);
    if (confirmedAny(ReasonCode.EXPIRED)) {
      return;
    }
    CertificateRef first =
        refs.stream().min((a, b) -> a.notAfter().compareTo(b.notAfter())).orElseThrow();
    Duration left = Duration.between(at, first.notAfter());
    add(
        OpenSslError.CERT_HAS_EXPIRED,
        left.compareTo(SOON) < 0 ? Cause.Likelihood.LIKELY : Cause.Likelihood.POSSIBLE,
        "Clock skew: our certificates are valid here, but "
            + first.subject()
            + " expires at "
            + Wording.time(first.notAfter())
            + ", in "
            + Wording.duration(left)
            + "; a backend whose clock is ahead by more than that sees it as expired.",
        "Fix the backend's clock (NTP); renew " + first.subject() + " early.");
    add(
        OpenSslError.CERT_HAS_EXPIRED,
        Cause.Likelihood.POSSIBLE,
        "The backend's trusted client CAs hold an expired copy of our CA "
            + rootName()
            + " (renewed under the same name and key); OpenSSL prefers the trusted copy and checks its dates.",
        "Replace the backend's copy with the current one, " + rootNameAndKey() + ".");
  }

  private void badCertificate() {
    confirmed(ReasonCode.NOT_YET_VALID, ReasonCode.WEAK_KEY_OR_ALGORITHM);
    if (!confirmedAny(ReasonCode.NOT_YET_VALID)) {
      CertificateRef newest =
          refs.stream().max((a, b) -> a.notBefore().compareTo(b.notBefore())).orElseThrow();
      Duration age = Duration.between(newest.notBefore(), at);
      if (age.compareTo(RECENT) < 0) {
        add(
            OpenSslError.CERT_NOT_YET_VALID,
            Cause.Likelihood.LIKELY,
            "Clock skew: "
                + newest.subject()
                + " became valid only "
                + Wording.duration(age)
                + " ago, at "
                + Wording.time(newest.notBefore())
                + "; a backend whose clock is behind by more than that sees it as not yet valid.",
            "Fix the backend's clock (NTP); when issuing, date notBefore a few minutes in the past.");
      }
    }
    if (!confirmedAny(ReasonCode.WEAK_KEY_OR_ALGORITHM)) {
      add(
          OpenSslError.EE_KEY_TOO_SMALL,
          Cause.Likelihood.RULED_OUT,
          "Our keys and signature algorithms are strong enough for OpenSSL 3 (errors 66, 67, 68 are not the reason).",
          "Nothing to change for this.");
    }
    add(
        null,
        Cause.Likelihood.POSSIBLE,
        "A Go server (crypto/tls) sends bad_certificate for every verification failure, an unknown CA included.",
        "Read the backend's log; make sure it trusts our root " + rootNameAndKey() + ".");
  }

  private void unsupportedCertificate() {
    confirmed(ReasonCode.WRONG_PURPOSE);
    if (!confirmedAny(ReasonCode.WRONG_PURPOSE)) {
      add(
          OpenSslError.INVALID_PURPOSE,
          Cause.Likelihood.RULED_OUT,
          "Our client certificate "
              + leaf().subject()
              + " and our CAs allow clientAuth (checked from here).",
          "Nothing to change for this.");
    }
    add(
        null,
        Cause.Likelihood.POSSIBLE,
        "The backend does not support our client certificate's key or signature type.",
        "Use an EC P-256 or RSA 2048 client certificate, which every server supports.");
  }

  private void certificateUnknown() {
    confirmed(
        ReasonCode.EXPIRED,
        ReasonCode.NOT_YET_VALID,
        ReasonCode.WRONG_PURPOSE,
        ReasonCode.UNKNOWN_CRITICAL_EXTENSION);
    add(
        null,
        Cause.Likelihood.LIKELY,
        "A Java server sends certificate_unknown for every trust failure (\"PKIX path building failed\"): its "
            + "trust store most likely lacks our root "
            + rootNameAndKey()
            + ".",
        "Import our root into the backend's trust store (keytool -importcert -alias chainsight-client-ca "
            + "-file ROOT.pem -keystore TRUSTSTORE).");
    add(
        null,
        Cause.Likelihood.POSSIBLE,
        "An OpenSSL server failed with a less common error (key usage, name constraints, policy).",
        "Read the backend's log for the verify error it printed.");
  }

  private void decryptError() {
    confirmed(ReasonCode.SIGNATURE_INVALID, ReasonCode.ISSUER_KEY_MISMATCH);
    add(
        OpenSslError.CERT_SIGNATURE_FAILURE,
        Cause.Likelihood.POSSIBLE,
        "The backend holds a CA named "
            + leaf().issuer()
            + " with another key (a re-created CA) and takes it as the issuer by name; the signature of "
            + leaf().subject()
            + " then fails.",
        "Replace the backend's copy of "
            + leaf().issuer()
            + " with ours, "
            + issuerNameAndKey()
            + ".");
    add(
        null,
        Cause.Likelihood.POSSIBLE,
        "Our handshake signature did not verify: "
            + backend.keySetting()
            + " does not belong to our client certificate, or a middlebox changed the handshake.",
        "Check that "
            + backend.keySetting()
            + " belongs to the first certificate of "
            + backend.chainSetting()
            + " (chainsight check-config does).");
  }

  private void certificateRevoked() {
    add(
        OpenSslError.CERT_REVOKED,
        Cause.Likelihood.LIKELY,
        "The backend's CRL lists one of our certificates as revoked: "
            + refs.stream()
                .map(r -> r.subject() + " serial " + r.serial())
                .collect(Collectors.joining(", "))
            + ".",
        "Issue chainsight a new client certificate, or correct the backend's CRL.");
  }

  /** Adds a CONFIRMED cause when our own chain fails one of these checks from here. */
  private void confirmed(ReasonCode... reasons) {
    if (confirmedAny(reasons)) {
      Failure f = selfCheck.failure().orElseThrow();
      causes.add(
          new Cause(
              f.openssl(),
              Cause.Likelihood.CONFIRMED,
              "Our own client chain fails this check from here too: " + f.explanation(),
              f.fix()));
    }
  }

  private boolean confirmedAny(ReasonCode... reasons) {
    Optional<ReasonCode> own = selfCheck.reason();
    return own.isPresent() && Set.of(reasons).contains(own.get());
  }

  private void add(OpenSslError openssl, Cause.Likelihood likelihood, String cause, String fix) {
    causes.add(new Cause(Optional.ofNullable(openssl), likelihood, cause, fix));
  }

  private List<Cause> sortedCauses() {
    return causes.stream().sorted((a, b) -> a.likelihood().compareTo(b.likelihood())).toList();
  }

  private CertificateRef leaf() {
    return refs.get(0);
  }

  private CertificateRef top() {
    return refs.get(refs.size() - 1);
  }

  /** The CA that issued our leaf, named with its key id (our leaf's AKI is that CA's SKI). */
  private String issuerNameAndKey() {
    return leaf().issuer() + leaf().authorityKeyId().map(a -> " (SKI " + a + ")").orElse("");
  }

  private String rootName() {
    return selfSigned(sent.get(sent.size() - 1)) ? top().subject() : top().issuer();
  }

  private String rootNameAndKey() {
    return selfSigned(sent.get(sent.size() - 1))
        ? top().nameAndKey()
        : top().issuer() + top().authorityKeyId().map(a -> " (SKI " + a + ")").orElse("");
  }

  private static boolean selfSigned(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
        && CertificateChecks.verifies(certificate, certificate.getPublicKey());
  }
}
