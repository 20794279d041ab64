package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.testing.TestPki;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerRejectionTest {
  private static final Instant NOW = Instant.now();
  private static final ServerRejection.Backend REGISTRAR =
      new ServerRejection.Backend(
          "https://127.0.0.1:8891", "routes[1].tls.certificate-chain", "TLSv1.3, TLSv1.2");

  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate proxyClient = pki.agent("chainsight-proxy").build();

  @Test
  void unknownCaNamesTheIssuingCaWithItsKeyIdAndKeylimesTrustedClientCa() {
    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.UNKNOWN_CA, chain(proxyClient, pki.intermediate()), NOW, REGISTRAR);

    String intermediateSki = Certificates.subjectKeyId(pki.intermediate().certificate());
    String rootSki = Certificates.subjectKeyId(pki.root().certificate());
    Failure f = d.failure().orElseThrow();
    assertThat(f.reason()).isEqualTo(ReasonCode.BACKEND_REJECTED_OUR_CHAIN);
    assertThat(d.receivedAlert()).contains(TlsAlert.UNKNOWN_CA);
    assertThat(f.certificate().orElseThrow().subject()).isEqualTo("CN=chainsight-proxy");
    assertThat(f.explanation())
        .isEqualTo(
            "The backend https://127.0.0.1:8891 ended the handshake with alert unknown_ca (48) after"
                + " we sent our client certificate CN=chainsight-proxy and 1 CA certificate: it"
                + " could not build a path from it to a CA it trusts; most likely it does not trust"
                + " CN=Keylime Intermediate (SKI "
                + intermediateSki
                + "), the CA that issued it.");
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assertThat(f.fix())
        .startsWith(
            "Make the backend trust CN=Keylime Root (SKI "
                + rootSki
                + "), the CA above our chain, and the root above it if that is an intermediate")
        .contains("trusted_client_ca, a Python list literal of paths relative to tls_dir")
        .contains("with tls_dir = generate the registrar trusts only the verifier's CA,")
        .contains("cv_ca/cacert.crt");
    assertThat(d.causes().get(0).likelihood()).isEqualTo(Cause.Likelihood.LIKELY);
    assertThat(d.causes())
        .extracting(Cause::likelihood)
        .contains(Cause.Likelihood.RULED_OUT)
        .doesNotContain(Cause.Likelihood.CONFIRMED);
    assertThat(d.steps()).isNotEmpty();
  }

  @Test
  void unknownCaAfterALeafAloneSuggestsSendingTheIntermediate() {
    ChainDiagnosis d =
        ServerRejection.explain(TlsAlert.UNKNOWN_CA, chain(proxyClient), NOW, REGISTRAR);

    assertThat(d.causes())
        .anySatisfy(
            c ->
                assertThat(c.fix())
                    .isEqualTo(
                        "Send the intermediates too: routes[1].tls.certificate-chain must hold our"
                            + " client certificate, then each intermediate up to the root."));
  }

  @Test
  void certificateRequiredWithoutACertificateIsNoClientCertificateNamingTheRouteSettings() {
    ChainDiagnosis d =
        ServerRejection.explain(TlsAlert.CERTIFICATE_REQUIRED, List.of(), NOW, REGISTRAR);

    Failure f = d.failure().orElseThrow();
    assertThat(f.reason()).isEqualTo(ReasonCode.NO_CLIENT_CERTIFICATE);
    assertThat(f.explanation())
        .isEqualTo(
            "The backend https://127.0.0.1:8891 requires a client certificate (it ended the"
                + " handshake with alert certificate_required (116)), and chainsight sent none:"
                + " routes[1].tls.certificate-chain is not set for this route.");
    assertThat(f.fix())
        .startsWith(
            "Give the route a client certificate the backend trusts: set"
                + " routes[1].tls.certificate-chain and routes[1].tls.private-key");
  }

  @Test
  void certificateExpiredIsConfirmedWhenOurClientCertificateHasExpired() {
    HeldCertificate expired =
        pki.agent("chainsight-proxy")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)))
            .build();

    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.CERTIFICATE_EXPIRED, chain(expired, pki.intermediate()), NOW, REGISTRAR);

    assertThat(d.reason()).contains(ReasonCode.BACKEND_REJECTED_OUR_CHAIN);
    assertThat(d.causes().get(0).likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(d.causes().get(0).openssl()).contains(OpenSslError.CERT_HAS_EXPIRED);
    assertThat(d.causes().get(0).cause()).contains("CN=chainsight-proxy");
    assertThat(d.failure().orElseThrow().openssl()).contains(OpenSslError.CERT_HAS_EXPIRED);
  }

  @Test
  void certificateExpiredWithValidCertificatesPointsAtTheBackendsClock() {
    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.CERTIFICATE_EXPIRED, chain(proxyClient, pki.intermediate()), NOW, REGISTRAR);

    assertThat(d.causes())
        .noneMatch(c -> c.likelihood() == Cause.Likelihood.CONFIRMED)
        .anySatisfy(c -> assertThat(c.fix()).startsWith("Fix the backend's clock (NTP)"));
  }

  @Test
  void unsupportedCertificateIsConfirmedForAServerOnlyCertificate() {
    HeldCertificate serverOnly =
        HeldCertificate.builder()
            .commonName("chainsight-proxy")
            .signedBy(pki.intermediate())
            .purpose(Purpose.SERVER_AUTH)
            .build();

    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.UNSUPPORTED_CERTIFICATE,
            chain(serverOnly, pki.intermediate()),
            NOW,
            REGISTRAR);

    assertThat(d.causes().get(0).likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(d.causes().get(0).openssl()).contains(OpenSslError.INVALID_PURPOSE);
  }

  @Test
  void protocolVersionIsAProtocolMismatchNamingWhatWeOffer() {
    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.PROTOCOL_VERSION, chain(proxyClient, pki.intermediate()), NOW, REGISTRAR);

    assertThat(d.reason()).contains(ReasonCode.PROTOCOL_MISMATCH);
    assertThat(d.failure().orElseThrow().explanation()).contains("(TLSv1.3, TLSv1.2)");
  }

  @Test
  void handshakeFailureWithoutACertificateSuspectsTheMissingCertificateFirst() {
    ChainDiagnosis d =
        ServerRejection.explain(TlsAlert.HANDSHAKE_FAILURE, List.of(), NOW, REGISTRAR);

    assertThat(d.reason()).contains(ReasonCode.NO_CLIENT_CERTIFICATE);
    assertThat(d.causes()).hasSize(2);
  }

  @Test
  void handshakeFailureWithACertificateIsNoSharedCipher() {
    ChainDiagnosis d =
        ServerRejection.explain(
            TlsAlert.HANDSHAKE_FAILURE, chain(proxyClient, pki.intermediate()), NOW, REGISTRAR);

    assertThat(d.reason()).contains(ReasonCode.NO_SHARED_CIPHER);
  }
}
