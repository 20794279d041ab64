package io.chainsight.core.diagnose;

import io.chainsight.core.certs.Certificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Why a client rejected the chain we sent, reasoned from the only thing a server sees, the alert,
 * and from our own certificates. OpenSSL maps several verification errors to one alert (2, 19 and
 * 20 all arrive as unknown_ca); for each, this names the client-side cause in terms of our
 * certificates, and says which causes our chain confirms or rules out. Our chain is also checked
 * from here, against its own top certificate, so defects on our side (expired, wrong name, wrong
 * purpose) are confirmed rather than guessed.
 */
public final class ClientRejection {
  private static final String CA_FILE =
      "the client's CA file (rust-keylime: registrar_tls_ca_cert; curl: --cacert)";

  private final TlsAlert alert;
  private final List<X509Certificate> sent;
  private final Instant at;
  private final Optional<String> serverName;
  private final Optional<String> localAddress;
  private final RejectedChain chain;

  private ClientRejection(
      TlsAlert alert,
      List<X509Certificate> sent,
      Instant at,
      Optional<String> serverName,
      Optional<String> localAddress) {
    this.alert = alert;
    this.sent = List.copyOf(sent);
    this.at = at;
    this.serverName = serverName;
    this.localAddress = localAddress;
    this.chain =
        new RejectedChain(
            sent, at, Purpose.SERVER_AUTH, CA_FILE, serverName.or(() -> localAddress), "chain");
  }

  /**
   * @param alert the alert the client sent
   * @param sentChain the chain we sent, leaf first
   * @param at when the handshake failed
   * @param serverName the SNI the client sent; empty when it sent none (clients connecting by IP
   *     send none)
   * @param localAddress the IP address the client connected to, when known
   */
  public static ChainDiagnosis explain(
      TlsAlert alert,
      List<X509Certificate> sentChain,
      Instant at,
      Optional<String> serverName,
      Optional<String> localAddress) {
    if (sentChain.isEmpty()) {
      throw new IllegalArgumentException(
          "sentChain: empty (expected: the certificates we sent, leaf first)");
    }
    return new ClientRejection(alert, sentChain, at, serverName, localAddress).diagnose();
  }

  private ChainDiagnosis diagnose() {
    switch (alert) {
      case UNKNOWN_CA -> unknownCa();
      case BAD_CERTIFICATE -> badCertificate();
      case CERTIFICATE_EXPIRED -> certificateExpired();
      case UNSUPPORTED_CERTIFICATE -> unsupportedCertificate();
      case DECRYPT_ERROR -> decryptError();
      case CERTIFICATE_UNKNOWN -> certificateUnknown();
      case CERTIFICATE_REVOKED -> certificateRevoked();
      default -> notAboutCertificates();
    }
    chain.addOwnFailureUnlessConfirmed("clients");
    String fix = chain.leadingCause().map(Cause::fix).orElse("See the causes below.");
    Failure failure =
        new Failure(
            ReasonCode.CLIENT_REJECTED_OUR_CHAIN,
            OptionalInt.empty(),
            Optional.of(chain.leaf()),
            "The client ended the handshake with alert "
                + alert
                + " after we sent "
                + Wording.plural(sent.size(), "certificate")
                + " ("
                + chain.refs().stream()
                    .map(CertificateRef::subject)
                    .collect(Collectors.joining(", "))
                + ")"
                + meaning()
                + ".",
            fix,
            Optional.empty(),
            Optional.of(alert));
    return chain.diagnosis(failure, alert, "a client");
  }

  private String meaning() {
    return switch (alert) {
      case UNKNOWN_CA -> ": it could not build a path from our chain to a CA it trusts";
      case BAD_CERTIFICATE -> ": it found our certificate unacceptable (name, dates, key strength)";
      case CERTIFICATE_EXPIRED -> ": by its clock, a certificate of the path has expired";
      case UNSUPPORTED_CERTIFICATE -> ": our certificate is not valid for its purpose";
      case DECRYPT_ERROR -> ": a signature did not verify";
      case CERTIFICATE_UNKNOWN ->
          ": it rejected our certificate for a reason the alert does not name";
      case CERTIFICATE_REVOKED -> ": it considers a certificate of ours revoked";
      default -> "";
    };
  }

  private void unknownCa() {
    chain.addConfirmedCause(RejectedChain.CA_PATH);
    CertificateRef leaf = chain.leaf();
    CertificateRef top = chain.top();
    boolean rootSent = chain.rootSent();
    String rootName = chain.rootNameAndKey();
    String giveRoot =
        "Give the client our root "
            + rootName
            + " as the only or the first certificate of "
            + CA_FILE
            + ".";
    if (sent.size() == 1 && rootSent) {
      chain.addCause(
          OpenSslError.DEPTH_ZERO_SELF_SIGNED_CERT,
          Cause.Likelihood.LIKELY,
          "We send a lone self-signed certificate "
              + leaf.nameAndKey()
              + "; the client trusts it only if its CA "
              + "file holds this very certificate.",
          "Put our certificate (SHA-256 "
              + leaf.sha256()
              + ") into "
              + CA_FILE
              + ", or serve a certificate "
              + "issued by a CA the client trusts.");
    } else if (sent.size() == 1) {
      // No CA file helps a client that reads only its first block: it needs both the intermediate
      // and the root, and gets one of them.
      String issuer =
          leaf.issuer() + leaf.authorityKeyId().map(a -> " (key id " + a + ")").orElse("");
      String sendIntermediate =
          "The server must send the intermediate: add "
              + leaf.issuer()
              + " to tls.certificate-chain right after the leaf (leaf, intermediate, then optionally"
              + " the root); the client's CA file then needs only the root, alone or first.";
      chain.addCause(
          OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
          Cause.Likelihood.LIKELY,
          "We send only our leaf "
              + leaf.subject()
              + ", not its issuer "
              + issuer
              + ": a client whose CA file holds the root but not that intermediate cannot build the"
              + " path.",
          sendIntermediate);
      chain.addCause(
          OpenSslError.UNABLE_TO_GET_ISSUER_CERT,
          Cause.Likelihood.LIKELY,
          "A client that reads only the first PEM block of its CA file, as rust-keylime does with"
              + " registrar_tls_ca_cert (reqwest::Certificate::from_pem, OpenSSL X509::from_pem),"
              + " fails whatever that file holds, since it needs both "
              + leaf.issuer()
              + " and its root: with the intermediate first it trusts only that and fails with"
              + " error 2 (unable to get issuer certificate); with the root first, error 20. curl"
              + " and openssl s_client read every block and pass when the file holds both, which"
              + " hides this.",
          sendIntermediate);
    } else if (rootSent) {
      chain.addCause(
          OpenSslError.SELF_SIGNED_CERT_IN_CHAIN,
          Cause.Likelihood.POSSIBLE,
          "The client's CA file lacks our root "
              + rootName
              + ", or holds an older "
              + top.subject()
              + " with another key (a re-created CA); as we send the root too, OpenSSL reports error 19.",
          giveRoot);
    } else {
      chain.addCause(
          OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
          Cause.Likelihood.POSSIBLE,
          "The client's CA file lacks the root "
              + rootName
              + " that issued our top certificate "
              + top.subject()
              + ", or holds an older one with another key (a re-created CA).",
          giveRoot);
    }
    Optional<CertificateRef> upper = topIntermediate();
    upper.ifPresent(
        intermediate ->
            chain.addCause(
                OpenSslError.UNABLE_TO_GET_ISSUER_CERT,
                Cause.Likelihood.POSSIBLE,
                "The client's CA file starts with our intermediate "
                    + intermediate.nameAndKey()
                    + " and the client reads "
                    + "only the first PEM block, as rust-keylime does with registrar_tls_ca_cert "
                    + "(reqwest::Certificate::from_pem, OpenSSL X509::from_pem): it trusts the intermediate alone and, "
                    + "without partial chains, fails because the intermediate's issuer "
                    + intermediate.issuer()
                    + " is not in its store. curl and openssl s_client read every block and pass, which hides this.",
                "Put our root "
                    + rootName
                    + " alone, or first, in the client's CA file; `openssl x509 -in CAFILE -noout "
                    + "-subject` prints the first block, which must be "
                    + (rootSent ? top.subject() : top.issuer())
                    + ". `chainsight probe` from the client's host shows it."));
    if (chain.selfCheck().valid() || chain.failsWith(ReasonCode.HOSTNAME_MISMATCH)) {
      chain.ruleOutCaConstraints();
    }
  }

  private void badCertificate() {
    chain.addConfirmedCause(
        ReasonCode.NOT_YET_VALID, ReasonCode.HOSTNAME_MISMATCH, ReasonCode.WEAK_KEY_OR_ALGORITHM);
    if (!chain.failsWith(ReasonCode.NOT_YET_VALID)) {
      chain.addClockBehindCause("client");
    }
    if (!chain.failsWith(ReasonCode.HOSTNAME_MISMATCH)) {
      String sans = sanList();
      if (serverName.isPresent()) {
        chain.addCause(
            OpenSslError.HOSTNAME_MISMATCH,
            Cause.Likelihood.RULED_OUT,
            "The client asked for "
                + serverName.get()
                + " (SNI), which our leaf holds ("
                + sans
                + ").",
            "Nothing to change for this.");
      } else if (localAddress.isPresent()) {
        chain.addCause(
            OpenSslError.IP_ADDRESS_MISMATCH,
            Cause.Likelihood.RULED_OUT,
            "The client sent no SNI, so it connected by IP address, "
                + localAddress.get()
                + ", which our leaf "
                + "holds ("
                + sans
                + ").",
            "Nothing to change for this.");
      } else {
        chain.addCause(
            OpenSslError.IP_ADDRESS_MISMATCH,
            Cause.Likelihood.POSSIBLE,
            "The client sent no SNI, so it probably connected by IP address (SNI cannot carry one); that address "
                + "must be among our leaf's IP SANs ("
                + sans
                + ").",
            "Reissue our leaf with subjectAltName IP:<the address the client uses> (rust-keylime checks "
                + "registrar_ip against IP SANs).");
      }
    }
    if (!chain.failsWith(ReasonCode.WEAK_KEY_OR_ALGORITHM)) {
      chain.ruleOutWeakKeys();
    }
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "A Go client (crypto/tls) sends bad_certificate for every verification failure, an unknown CA included.",
        "Read the client's own log, or run `chainsight probe` from the client's host with its CA file.");
  }

  private void certificateExpired() {
    chain.addConfirmedCause(ReasonCode.EXPIRED);
    if (!chain.failsWith(ReasonCode.EXPIRED)) {
      chain.addClockAheadCause("client");
      chain.addCause(
          OpenSslError.CERT_HAS_EXPIRED,
          Cause.Likelihood.POSSIBLE,
          "The client's CA file holds an expired copy of one of our CAs ("
              + chain.refs().subList(1, chain.refs().size()).stream()
                  .map(CertificateRef::subject)
                  .collect(Collectors.joining(", "))
              + ", renewed under the same name and "
              + "key); OpenSSL prefers the trusted copy and checks its dates.",
          "Replace the CA certificates in "
              + CA_FILE
              + " with the current ones (SHA-256 "
              + chain.top().sha256()
              + " for "
              + chain.top().subject()
              + ").");
    }
    chain.addCause(
        OpenSslError.CRL_HAS_EXPIRED,
        Cause.Likelihood.POSSIBLE,
        "The client checks CRLs and its copy of a CRL is past its nextUpdate.",
        "Give the client a current CRL.");
  }

  private void unsupportedCertificate() {
    chain.addPurposeCause("Our leaf");
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "The client does not support our leaf's key or signature type ("
            + chain.selfCheck().steps().stream()
                .filter(s -> s.check() == Step.Check.KEY_STRENGTH)
                .findFirst()
                .map(Step::detail)
                .orElse("?")
            + ").",
        "Serve an EC P-256 or RSA 2048 certificate, which every client supports.");
  }

  private void decryptError() {
    chain.addConfirmedCause(ReasonCode.SIGNATURE_INVALID, ReasonCode.ISSUER_KEY_MISMATCH);
    CertificateRef top = topSigned();
    boolean keyIds = chain.refs().stream().allMatch(r -> r.authorityKeyId().isPresent());
    chain.addCause(
        OpenSslError.CERT_SIGNATURE_FAILURE,
        keyIds ? Cause.Likelihood.POSSIBLE : Cause.Likelihood.LIKELY,
        "The client holds a CA named "
            + top.issuer()
            + " with another key (a re-created CA) and takes it as the "
            + "issuer by name; the signature of "
            + top.subject()
            + " then fails"
            + (keyIds
                ? " (less likely: our certificates carry an AKI, so OpenSSL skips a CA with another key "
                    + "and sends unknown_ca instead)"
                : " (our certificates carry no AKI to tell the keys apart)")
            + ".",
        "Replace the client's copy of "
            + top.issuer()
            + " with ours"
            + top.authorityKeyId().map(a -> " (SKI " + a + ")").orElse("")
            + ".");
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "The handshake signature did not verify: our private key does not match our leaf, or a middlebox "
            + "changed the handshake.",
        "Check that tls.private-key belongs to the leaf of tls.certificate-chain (chainsight check-config does).");
    chain.addCause(
        OpenSslError.CRL_SIGNATURE_FAILURE,
        Cause.Likelihood.POSSIBLE,
        "The client checks CRLs and one is not signed by the CA it names.",
        "Give the client the CA's real CRL.");
  }

  private void certificateUnknown() {
    chain.addConfirmedCause(ReasonCode.UNKNOWN_CRITICAL_EXTENSION);
    if (!chain.failsWith(ReasonCode.UNKNOWN_CRITICAL_EXTENSION)) {
      chain.addCause(
          OpenSslError.UNHANDLED_CRITICAL_EXTENSION,
          Cause.Likelihood.RULED_OUT,
          "Our certificates have no critical extension a verifier could not handle.",
          "Nothing to change for this.");
    }
    chain.addCause(
        null,
        Cause.Likelihood.LIKELY,
        "A Java client sends certificate_unknown for every trust failure (\"PKIX path building failed\"): its "
            + "trust store most likely lacks our root "
            + chain.rootNameAndKey()
            + ".",
        "Import our root into the client's trust store (keytool -importcert -alias chainsight-root -file ROOT.pem "
            + "-keystore TRUSTSTORE).");
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        "An OpenSSL client failed with a less common error (key usage, name constraints, policy).",
        "Run `chainsight probe` from the client's host with its CA file to see the failing step.");
  }

  private void certificateRevoked() {
    chain.addCause(
        OpenSslError.CERT_REVOKED,
        Cause.Likelihood.POSSIBLE,
        "The client's CRL or OCSP responder lists one of our certificates as revoked: "
            + chain.refs().stream()
                .map(r -> r.subject() + " serial " + r.serial())
                .collect(Collectors.joining(", "))
            + ".",
        "Find which: openssl crl -in CLIENT_CRL -noout -text | grep -i SERIAL; reissue that certificate, or correct "
            + "the client's CRL.");
  }

  private void notAboutCertificates() {
    String cause =
        switch (alert) {
          case HANDSHAKE_FAILURE ->
              "No common cipher suite, group or signature algorithm; some TLS 1.2 clients also "
                  + "send handshake_failure for a certificate they reject.";
          case PROTOCOL_VERSION ->
              "No common TLS version: the client offers none of tls.protocols.";
          case INSUFFICIENT_SECURITY -> "The client requires stronger cipher suites than we offer.";
          case ACCESS_DENIED ->
              "The client refuses to talk to us (its own policy), after verifying our chain.";
          default -> "Alert " + alert + " is not about our certificate chain.";
        };
    chain.addCause(
        null,
        Cause.Likelihood.POSSIBLE,
        cause,
        "Compare the client's TLS settings with tls.protocols and the cipher suites we offer; the client's log names "
            + "the reason.");
  }

  /**
   * The highest certificate we send that is not self-signed: the one a client checks against its
   * CA.
   */
  private CertificateRef topSigned() {
    for (int i = sent.size() - 1; i >= 0; i--) {
      if (!RejectedChain.selfSigned(sent.get(i))) {
        return chain.refs().get(i);
      }
    }
    return chain.leaf();
  }

  /**
   * The intermediate issued by the root: what a CA file of "intermediate, then root" starts with.
   */
  private Optional<CertificateRef> topIntermediate() {
    for (int i = sent.size() - 1; i >= 1; i--) {
      if (!RejectedChain.selfSigned(sent.get(i)) && sent.get(i).getBasicConstraints() >= 0) {
        return Optional.of(chain.refs().get(i));
      }
    }
    return Optional.empty();
  }

  private String sanList() {
    X509Certificate leaf = sent.get(0);
    return HostNameCheck.sanList(Certificates.dnsNames(leaf), Certificates.ipAddresses(leaf));
  }
}
