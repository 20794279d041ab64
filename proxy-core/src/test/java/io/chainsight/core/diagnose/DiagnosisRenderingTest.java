package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.StrictJson;
import io.chainsight.core.testing.TestPki;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiagnosisRenderingTest {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");
  private final TestPki pki =
      TestPki.create(
          "Keylime Root",
          "Keylime Intermediate",
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2028-01-01T00:00:00Z"));
  private final HeldCertificate agent =
      pki.agent("agent-1")
          .validity(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"))
          .build();

  @Test
  void textReportNumbersTheStepsAndExplainsTheFailure() {
    ChainDiagnosis d = analyzer().analyze(chain(agent), AT);

    String text = DiagnosisText.render(d);

    assertThat(text)
        .startsWith(
            "INVALID: ISSUER_NOT_FOUND (issuer not found), for client authentication at "
                + "2026-06-01T12:00:00Z.\n");
    assertThat(text)
        .contains(
            "  presented[0] CN=agent-1\n    issuer CN=Keylime Intermediate, serial "
                + Certificates.serialHex(agent.certificate())
                + ", valid 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z\n");
    assertThat(text)
        .contains(
            "  1. ok   validity period     presented[0] CN=agent-1: valid from "
                + "2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z\n");
    assertThat(text).contains("  5. FAIL issuer lookup       presented[0] CN=agent-1: ");
    assertThat(text).contains("Failed at step 5: ISSUER_NOT_FOUND\n");
    assertThat(text)
        .contains(
            "  OpenSSL:     error 20 \"unable to get local issuer certificate\"; a C client sends "
                + "alert unknown_ca (48)\n");
    assertThat(text).contains("Remarks:\n  - nginx and openssl s_client");
  }

  @Test
  void textReportOfAValidChain() {
    String text = DiagnosisText.render(analyzer().analyze(chain(agent, pki.intermediate()), AT));

    assertThat(text)
        .startsWith(
            "VALID: the chain verifies for client authentication at 2026-06-01T12:00:00Z.\n");
    assertThat(text).doesNotContain("Failed", "Remarks");
  }

  @Test
  void jsonCarriesStepsFailurePathAndFingerprint() {
    ChainDiagnosis d = analyzer().analyze(chain(agent), AT);

    JsonNode json = StrictJson.tree(DiagnosisJson.render(d));

    assertThat(json.at("/valid").booleanValue()).isFalse();
    assertThat(json.at("/reason").textValue()).isEqualTo("ISSUER_NOT_FOUND");
    assertThat(json.at("/purpose").textValue()).isEqualTo("clientAuth");
    assertThat(json.at("/expectedHost").isNull()).isTrue();
    assertThat(json.at("/presentedFingerprint").textValue())
        .isEqualTo(d.presentedFingerprint())
        .hasSize(64);
    assertThat(json.at("/presented/0/sha256").textValue())
        .isEqualTo(Certificates.sha256(agent.certificate()));
    assertThat(json.get("steps")).hasSize(5);
    JsonNode step = json.at("/steps/4");
    assertThat(step.get("check").textValue()).isEqualTo("ISSUER_LOOKUP");
    assertThat(step.get("verdict").textValue()).isEqualTo("FAIL");
    assertThat(step.at("/certificate/ref").textValue()).isEqualTo("presented[0]");
    assertThat(json.at("/failure/step").intValue()).isEqualTo(5);
    assertThat(json.at("/failure/certificate/subjectKeyId").textValue())
        .isEqualTo(Certificates.subjectKeyId(agent.certificate()));
    assertThat(json.at("/failure/openssl/code").intValue()).isEqualTo(20);
    assertThat(json.at("/failure/openssl/text").textValue())
        .isEqualTo("unable to get local issuer certificate");
    assertThat(json.at("/failure/alert/name").textValue()).isEqualTo("unknown_ca");
    assertThat(json.get("remarks")).hasSize(1);
    assertThat(json.at("/receivedAlert").isNull()).isTrue();
  }

  @Test
  void jsonOfAClientRejectionCarriesTheAlertAndCauses() {
    HeldCertificate server = pki.server("registrar.example").build();
    ChainDiagnosis d =
        ClientRejection.explain(
            TlsAlert.UNKNOWN_CA,
            chain(server, pki.intermediate(), pki.root()),
            AT,
            Optional.empty(),
            Optional.empty());

    JsonNode json = StrictJson.tree(DiagnosisJson.render(d));

    assertThat(json.at("/reason").textValue()).isEqualTo("CLIENT_REJECTED_OUR_CHAIN");
    assertThat(json.at("/failure/step").isNull()).isTrue();
    assertThat(json.at("/receivedAlert/code").intValue()).isEqualTo(48);
    assertThat(json.at("/causes/1/openssl/code").intValue()).isEqualTo(2);
    assertThat(json.at("/causes/0/likelihood").textValue()).isEqualTo("POSSIBLE");
    assertThat(DiagnosisText.render(d))
        .contains(
            "What the alert can mean, most likely first:\n  - [possible] "
                + "OpenSSL error 19 \"self-signed certificate in certificate chain\": ");
  }

  @Test
  void summaryIsOneLine() {
    ChainDiagnosis d = analyzer().analyze(chain(agent), AT);

    assertThat(d.summary())
        .startsWith("ISSUER_NOT_FOUND at step 5 (presented[0] CN=agent-1): ")
        .contains(" Fix: ", " OpenSSL: 20 \"unable to get local issuer certificate\"")
        .doesNotContain("\n");
    assertThat(d.presentedSummary()).isEqualTo("CN=agent-1 <- CN=Keylime Intermediate");
  }

  @Test
  void nonCertificateFailuresUseTheSameValue() {
    ChainDiagnosis d =
        ChainDiagnosis.of(
            AT,
            List.of(),
            ReasonCode.PLAINTEXT_HTTP_ON_TLS_PORT,
            "The client sent a plain HTTP request to the TLS port.",
            "Use https://.");

    assertThat(d.valid()).isFalse();
    assertThat(d.presentedFingerprint()).isEqualTo("none");
    assertThat(StrictJson.tree(DiagnosisJson.render(d)).at("/failure/reason").asText())
        .isEqualTo("PLAINTEXT_HTTP_ON_TLS_PORT");
    assertThat(DiagnosisText.render(d)).contains("Failure: PLAINTEXT_HTTP_ON_TLS_PORT\n");
  }

  private ChainAnalyzer analyzer() {
    return ChainAnalyzer.builder().trustAnchors(List.of(pki.root().certificate())).build();
  }
}
