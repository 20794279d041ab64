package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.TestPki;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientRejectionTest {
  private static final Instant NOW = Instant.now();
  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate server =
      pki.server("registrar.example").addSubjectAlternativeName("10.0.0.5").build();

  @Test
  void unknownCaAfterLeafIntermediateRootPointsAtTheRootAndTheFirstPemBlockTrap() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNKNOWN_CA,
            chain(server, pki.intermediate(), pki.root()),
            NOW,
            Optional.of("registrar.example"),
            Optional.empty());

    String rootSki = Certificates.subjectKeyId(pki.root().certificate());
    assertThat(d.reason()).contains(ReasonCode.CLIENT_REJECTED_OUR_CHAIN);
    assertThat(d.receivedAlert()).contains(TlsAlert.UNKNOWN_CA);
    Failure f = d.failure().orElseThrow();
    assertThat(f.alert()).contains(TlsAlert.UNKNOWN_CA);
    assertThat(f.explanation())
        .isEqualTo(
            "The client ended the handshake with alert unknown_ca (48) after we sent "
                + "3 certificates (CN=registrar.example, CN=Keylime Intermediate, CN=Keylime Root): it could not build a "
                + "path from our chain to a CA it trusts.");
    assertThat(f.fix())
        .startsWith(
            "Give the client our root CN=Keylime Root (SKI "
                + rootSki
                + ") as the only or "
                + "the first certificate of the client's CA file");
    assertThat(d.causes())
        .extracting(c -> c.openssl().map(OpenSslError::code).orElse(0))
        .containsExactly(19, 2, 79);
    Cause firstBlock = d.causes().get(1);
    assertThat(firstBlock.cause())
        .contains(
            "starts with our intermediate CN=Keylime Intermediate (SKI "
                + Certificates.subjectKeyId(pki.intermediate().certificate())
                + ")",
            "registrar_tls_ca_cert",
            "reqwest::Certificate::from_pem");
    assertThat(firstBlock.fix()).contains("alone, or first");
    assertThat(d.causes().get(2).likelihood()).isEqualTo(Cause.Likelihood.RULED_OUT);
    assertThat(d.steps()).isNotEmpty().allMatch(Step::passed);
  }

  @Test
  void unknownCaStillRulesOutCaConstraintsWhenOnlyTheNameIsWrong() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNKNOWN_CA,
            chain(server, pki.intermediate(), pki.root()),
            NOW,
            Optional.empty(),
            Optional.of("192.168.1.20"));

    assertThat(d.causes())
        .extracting(Cause::likelihood, c -> c.openssl().map(OpenSslError::code).orElse(0))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Cause.Likelihood.POSSIBLE, 19),
            org.assertj.core.groups.Tuple.tuple(Cause.Likelihood.POSSIBLE, 2),
            org.assertj.core.groups.Tuple.tuple(Cause.Likelihood.POSSIBLE, 64),
            org.assertj.core.groups.Tuple.tuple(Cause.Likelihood.RULED_OUT, 79));
  }

  @Test
  void unknownCaAfterSendingOnlyTheLeaf() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNKNOWN_CA, chain(server), NOW, Optional.empty(), Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.LIKELY);
    assertThat(first.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assertThat(first.cause()).startsWith("We send only our leaf CN=registrar.example");
    assertThat(d.failure().orElseThrow().fix())
        .startsWith(
            "The server must send the intermediate: add CN=Keylime Intermediate to"
                + " tls.certificate-chain right after the leaf");
    // A first-PEM-block client fails whatever its CA file holds: error 2 or 20, never "put the
    // root first".
    Cause firstBlock = d.causes().get(1);
    assertThat(firstBlock.likelihood()).isEqualTo(Cause.Likelihood.LIKELY);
    assertThat(firstBlock.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT);
    assertThat(firstBlock.cause())
        .contains("reads only the first PEM block")
        .contains("with the intermediate first it trusts only that and fails with error 2")
        .contains("with the root first, error 20");
    assertThat(firstBlock.fix()).startsWith("The server must send the intermediate");
    assertThat(d.causes()).noneMatch(c -> c.fix().contains("alone, or first, in the client's CA"));
  }

  @Test
  void certificateExpiredWithAnExpiredLeafIsConfirmed() {
    HeldCertificate expired =
        pki.server("registrar.example")
            .validity(NOW.minus(Duration.ofDays(90)), NOW.minus(Duration.ofDays(1)))
            .build();
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.CERTIFICATE_EXPIRED,
            chain(expired, pki.intermediate(), pki.root()),
            NOW,
            Optional.of("registrar.example"),
            Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(first.openssl()).contains(OpenSslError.CERT_HAS_EXPIRED);
    assertThat(first.cause()).contains("presented[0] CN=registrar.example expired at");
  }

  @Test
  void certificateExpiredWithAValidChainSuspectsTheClientsClock() {
    HeldCertificate ending =
        pki.server("registrar.example")
            .validity(NOW.minus(Duration.ofDays(90)), NOW.plus(Duration.ofDays(2)))
            .build();
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.CERTIFICATE_EXPIRED,
            chain(ending, pki.intermediate()),
            NOW,
            Optional.empty(),
            Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.LIKELY);
    assertThat(first.cause())
        .startsWith(
            "Clock skew: our certificates are valid here, but CN=registrar.example " + "expires at")
        .contains("in 2 days");
  }

  @Test
  void badCertificateWhenTheSniIsNotInTheSans() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.BAD_CERTIFICATE,
            chain(server, pki.intermediate()),
            NOW,
            Optional.of("registrar.other"),
            Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(first.openssl()).contains(OpenSslError.HOSTNAME_MISMATCH);
    assertThat(first.cause())
        .contains(
            "does not name registrar.other in its subjectAltName "
                + "(DNS:registrar.example, IP:10.0.0.5)");
    assertThat(d.expectedHost()).contains("registrar.other");
  }

  @Test
  void badCertificateWithoutSniChecksTheAddressTheClientConnectedTo() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.BAD_CERTIFICATE,
            chain(server, pki.intermediate()),
            NOW,
            Optional.empty(),
            Optional.of("192.168.1.20"));

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(first.openssl()).contains(OpenSslError.IP_ADDRESS_MISMATCH);
    assertThat(first.fix()).contains("subjectAltName IP:192.168.1.20");
  }

  @Test
  void badCertificateRulesOutTheNameWhenTheSniMatches() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.BAD_CERTIFICATE,
            chain(server, pki.intermediate()),
            NOW,
            Optional.of("registrar.example"),
            Optional.empty());

    assertThat(d.causes())
        .anySatisfy(
            c -> {
              assertThat(c.likelihood()).isEqualTo(Cause.Likelihood.RULED_OUT);
              assertThat(c.openssl()).contains(OpenSslError.HOSTNAME_MISMATCH);
            });
    assertThat(d.causes()).noneMatch(c -> c.likelihood() == Cause.Likelihood.CONFIRMED);
  }

  @Test
  void unsupportedCertificateWhenWeServeAClientOnlyCertificate() {
    HeldCertificate clientOnly = pki.agent("registrar.example").build();
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNSUPPORTED_CERTIFICATE,
            chain(clientOnly, pki.intermediate()),
            NOW,
            Optional.empty(),
            Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.likelihood()).isEqualTo(Cause.Likelihood.CONFIRMED);
    assertThat(first.cause()).contains("has extendedKeyUsage clientAuth, without serverAuth");
  }

  @Test
  void decryptErrorSuspectsARecreatedCa() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.DECRYPT_ERROR,
            chain(server, pki.intermediate(), pki.root()),
            NOW,
            Optional.empty(),
            Optional.empty());

    Cause first = d.causes().get(0);
    assertThat(first.openssl()).contains(OpenSslError.CERT_SIGNATURE_FAILURE);
    assertThat(first.cause())
        .startsWith("The client holds a CA named CN=Keylime Root with another key");
    assertThat(first.fix()).contains("SKI " + Certificates.subjectKeyId(pki.root().certificate()));
  }

  @Test
  void certificateUnknownSuspectsAJavaTrustStore() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.CERTIFICATE_UNKNOWN,
            chain(server, pki.intermediate(), pki.root()),
            NOW,
            Optional.empty(),
            Optional.empty());

    assertThat(d.causes().get(0).cause()).startsWith("A Java client sends certificate_unknown");
    assertThat(d.causes().get(0).fix()).contains("keytool -importcert");
  }

  @Test
  void protocolVersionIsNotAboutCertificates() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.PROTOCOL_VERSION,
            chain(server, pki.intermediate()),
            NOW,
            Optional.empty(),
            Optional.empty());

    assertThat(d.causes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.openssl()).isEmpty();
              assertThat(c.cause()).startsWith("No common TLS version");
            });
  }

  @Test
  void anOwnDefectOutsideTheAlertsUsualCausesIsStillListed() {
    HeldCertificate expired =
        pki.server("registrar.example")
            .validity(NOW.minus(Duration.ofDays(90)), NOW.minus(Duration.ofDays(1)))
            .build();
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNKNOWN_CA,
            chain(expired, pki.intermediate(), pki.root()),
            NOW,
            Optional.empty(),
            Optional.empty());

    assertThat(d.causes())
        .anySatisfy(
            c ->
                assertThat(c.cause())
                    .startsWith("Our own chain fails from here with " + "EXPIRED"));
  }

  @Test
  void causesAreOrderedByLikelihood() {
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.BAD_CERTIFICATE,
            chain(server, pki.intermediate()),
            NOW,
            Optional.of("registrar.other"),
            Optional.empty());

    assertThat(d.causes()).extracting(Cause::likelihood).isSorted();
    assertThat(List.of(Cause.Likelihood.values()))
        .containsExactly(
            Cause.Likelihood.CONFIRMED,
            Cause.Likelihood.LIKELY,
            Cause.Likelihood.POSSIBLE,
            Cause.Likelihood.RULED_OUT);
  }
}
