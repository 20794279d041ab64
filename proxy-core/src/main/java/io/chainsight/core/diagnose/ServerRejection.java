package io.chainsight.core.diagnose;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
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
  private final RejectedChain chain;

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
    this.chain =
        new RejectedChain(
            sent,
            at,
            Purpose.CLIENT_AUTH,
            "the backend's trusted client CAs",
            Optional.empty(),
            "client chain");
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
          chain.addCause(
              null,
              Cause.Likelihood.LIKELY,
              "No common cipher suite, group or signature algorithm.",
              "Let the backend accept ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.2) or any TLS 1.3 suite; "
                  + "`openssl s_client -connect HOST:PORT` shows what it offers.");
          chain.addCause(
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
          chain.addCause(
              null,
              Cause.Likelihood.LIKELY,
              "The backend verified our client certificate "
                  + chain.leaf().subject()
                  + " but its own policy refuses it.",
              "Allow " + chain.leaf().subject() + " in the backend's access policy.");
      default ->
          chain.addCause(
              null,
              Cause.Likelihood.POSSIBLE,
              "Alert " + alert + " names no certificate problem.",
              "Read the backend's log for why it ended the handshake.");
    }
    chain.addOwnFailureUnlessConfirmed("servers");
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
    chain.addCause(null, Cause.Likelihood.LIKELY, explanation, fix);
    if (alert == TlsAlert.HANDSHAKE_FAILURE) {
      chain.addCause(
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
        chain.causes(),
        List.of());
  }

  private ChainDiagnosis notAboutCertificates(ReasonCode reason, String explanation, String fix) {
    return beforeOurCertificates(reason, explanation, fix, Optional.empty(), List.of());
  }

  private ChainDiagnosis withCauses(ReasonCode reason, String explanation) {
    Cause first = chain.sortedCauses().get(0);
    return beforeOurCertificates(reason, explanation, first.fix(), first.openssl(), chain.causes());
  }

  /** A refusal the backend made before it looked at our certificates: no steps to show. */
  private ChainDiagnosis beforeOurCertificates(
      ReasonCode reason,
      String explanation,
      String fix,
      Optional<OpenSslError> openssl,
      List<Cause> causes) {
    Failure failure =
        new Failure(
            reason,
            OptionalInt.empty(),
            Optional.empty(),
            explanation,
            fix,
            openssl,
            Optional.of(alert));
    return new ChainDiagnosis(
        at,
        Optional.empty(),
        Optional.empty(),
        chain.refs(),
        List.of(),
        List.of(),
        Optional.of(failure),
        Optional.of(alert),
        causes,
        List.of());
  }

  private ChainDiagnosis rejected() {
    Optional<Cause> leading = chain.leadingCause();
    String fix = leading.map(Cause::fix).orElse("See the causes below.");
    Failure failure =
        new Failure(
            ReasonCode.BACKEND_REJECTED_OUR_CHAIN,
            OptionalInt.empty(),
            Optional.of(chain.leaf()),
            "The backend "
                + backend.address()
                + " ended the handshake with alert "
                + alert
                + " after we sent our client certificate "
                + chain.leaf().subject()
                + (sent.size() > 1
                    ? " and " + Wording.plural(sent.size() - 1, "CA certificate")
                    : " alone")
                + meaning()
                + ".",
            fix,
            leading.flatMap(Cause::openssl),
            Optional.of(alert));
    return chain.diagnosis(failure, alert, "a backend");
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
    chain.addConfirmedCause(RejectedChain.CA_PATH);
    boolean rootSent = chain.rootSent();
    chain.addCause(
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        Cause.Likelihood.LIKELY,
        "The backend's trusted client CAs lack the CA that issued our client certificate "
            + chain.leaf().subject()
            + ": "
            + issuerNameAndKey()
            + (!chain.leaf().issuer().equals(rootName())
                ? ", and its root " + chain.rootNameAndKey()
                : "")
            + ".",
        (rootSent
                ? "Make the backend trust our root " + chain.rootNameAndKey() + ". "
                : "Make the backend trust "
                    + chain.rootNameAndKey()
                    + ", the CA above our chain, and the root above it if that is an intermediate"
                    + " (an OpenSSL server without partial chains needs the root: trusting only an"
                    + " intermediate fails with error 2). ")
            + KEYLIME_TRUST
            + ".");
    if (sent.size() == 1 && !rootSent) {
      chain.addCause(
          OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
          Cause.Likelihood.POSSIBLE,
          "We send our client certificate alone; if its issuer "
              + chain.leaf().issuer()
              + " is an intermediate, a backend that trusts only the root cannot build the path.",
          "Send the intermediates too: "
              + backend.chainSetting()
              + " must hold our client certificate, then each intermediate up to the root.");
    }
    chain.addCause(
        OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        Cause.Likelihood.POSSIBLE,
        "The backend holds an older " + rootName() + " with another key (a re-created CA).",
        "Replace the backend's copy with ours, " + chain.rootNameAndKey() + ".");
    if (chain.selfCheck().valid()) {
      chain.ruleOutCaConstraints();
    }
  }

  private void certificateExpired() {
    chain.addConfirmedCause(ReasonCode.EXPIRED);
    if (chain.failsWith(ReasonCode.EXPIRED)) {
      return;
    }
    chain.addClockAheadCause("backend");
    chain.addCause(
        OpenSslError.CERT_HAS_EXPIRED,
        Cause.Likelihood.POSSIBLE,
        "The backend's trusted client CAs hold an expired copy of our CA "
            + rootName()
            + " (renewed under the same name and key); OpenSSL prefers the trusted copy and checks its dates.",
        "Replace the backend's copy with the current one, " + chain.rootNameAndKey() + ".");
  }

  private void badCertificate() {
    chain.addConfirmedCause(ReasonCode.NOT_YET_VALID, ReasonCode.WEAK_KEY_OR_ALGORITHM);
    if (!chain.failsWith(ReasonCode.NOT_YET_VALID)) {
      chain.addClockBehindCause("backend");
    }
    if (!chain.failsWith(ReasonCode.WEAK_KEY_OR_ALGORITHM)) {
      chain.ruleOutWeakKeys();
    }
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "A Go server (crypto/tls) sends bad_certificate for every verification failure, an unknown CA included.",
        "Read the backend's log; make sure it trusts our root " + chain.rootNameAndKey() + ".");
  }

  private void unsupportedCertificate() {
    chain.addPurposeCause("Our client certificate");
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "The backend does not support our client certificate's key or signature type.",
        "Use an EC P-256 or RSA 2048 client certificate, which every server supports.");
  }

  private void certificateUnknown() {
    chain.addConfirmedCause(
        ReasonCode.EXPIRED,
        ReasonCode.NOT_YET_VALID,
        ReasonCode.WRONG_PURPOSE,
        ReasonCode.UNKNOWN_CRITICAL_EXTENSION);
    chain.addCause(
        null,
        Cause.Likelihood.LIKELY,
        "A Java server sends certificate_unknown for every trust failure (\"PKIX path building failed\"): its "
            + "trust store most likely lacks our root "
            + chain.rootNameAndKey()
            + ".",
        "Import our root into the backend's trust store (keytool -importcert -alias chainsight-client-ca "
            + "-file ROOT.pem -keystore TRUSTSTORE).");
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "An OpenSSL server failed with a less common error (key usage, name constraints, policy).",
        "Read the backend's log for the verify error it printed.");
  }

  private void decryptError() {
    chain.addConfirmedCause(ReasonCode.SIGNATURE_INVALID, ReasonCode.ISSUER_KEY_MISMATCH);
    chain.addCause(
        OpenSslError.CERT_SIGNATURE_FAILURE,
        Cause.Likelihood.POSSIBLE,
        "The backend holds a CA named "
            + chain.leaf().issuer()
            + " with another key (a re-created CA) and takes it as the issuer by name; the signature of "
            + chain.leaf().subject()
            + " then fails.",
        "Replace the backend's copy of "
            + chain.leaf().issuer()
            + " with ours, "
            + issuerNameAndKey()
            + ".");
    chain.addCause(
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
    chain.addCause(
        OpenSslError.CERT_REVOKED,
        Cause.Likelihood.LIKELY,
        "The backend's CRL lists one of our certificates as revoked: "
            + chain.refs().stream()
                .map(r -> r.subject() + " serial " + r.serial())
                .collect(Collectors.joining(", "))
            + ".",
        "Issue chainsight a new client certificate, or correct the backend's CRL.");
  }

  /** The CA that issued our leaf, named with its key id (our leaf's AKI is that CA's SKI). */
  private String issuerNameAndKey() {
    return chain.leaf().issuer()
        + chain.leaf().authorityKeyId().map(a -> " (SKI " + a + ")").orElse("");
  }

  private String rootName() {
    return chain.rootSent() ? chain.top().subject() : chain.top().issuer();
  }
}
