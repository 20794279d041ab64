package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.cli.probe.TlsProbe;
import io.chainsight.core.diagnose.ClientModes;
import io.chainsight.core.diagnose.TlsAlert;
import io.chainsight.core.testing.Golden;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The first line of {@code probe}'s text report names what failed: the server's chain, ours, or
 * both.
 */
class ProbeReportTest {
  private static final Instant AT = Instant.parse("2027-06-01T12:00:00.456Z");
  private static final String URL = "https://127.0.0.1:8891/version";
  private static final List<X509Certificate> SERVED = Golden.certificates("registrar-chain.pem");
  private static final List<X509Certificate> ROOT = Golden.certificates("root-ca.pem");
  // The intermediate alone: clients without partial chains cannot reach a root from it.
  private static final List<X509Certificate> INTERMEDIATE =
      Golden.certificates("intermediate-ca.pem");
  private static final String AGENT =
      "CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000,O=chainsight example";

  @Test
  void everyModeVerifiesAndTheClientCertificateIsAcceptedPasses() {
    ProbeReport report = report(ROOT, accepted(), true);

    assertThat(report.summary())
        .isEqualTo("PASS: 3 of 3 client modes verify " + URL + " at 2027-06-01T12:00:00Z.");
  }

  @Test
  void onlyTheClientCertificateRejectedSaysSoAndThatTheServersChainVerifies() {
    ProbeReport report = report(ROOT, rejected(), true);

    assertThat(report.summary())
        .isEqualTo(
            "FAIL: "
                + URL
                + " rejected the client certificate "
                + AGENT
                + " at 2027-06-01T12:00:00Z; its own chain verifies in all 3 client modes.");
    assertThat(report.text())
        .startsWith(report.summary() + "\n\n")
        .doesNotContain("Every step of each mode");
  }

  @Test
  void failingModesAndARejectedClientCertificateNameBoth() {
    ProbeReport report = report(INTERMEDIATE, rejected(), true);

    assertThat(report.summary())
        .isEqualTo(
            "FAIL: 1 of 3 client modes verify "
                + URL
                + " at 2027-06-01T12:00:00Z, and it rejected the client certificate "
                + AGENT
                + ".");
  }

  @Test
  void failingModesWithoutAClientCertificateCountTheModes() {
    ProbeReport report = report(INTERMEDIATE, rejected(), false);

    assertThat(report.summary())
        .isEqualTo("FAIL: 1 of 3 client modes verify " + URL + " at 2027-06-01T12:00:00Z.");
    assertThat(report.text()).contains("\nEvery step of each mode: --json");
  }

  private static ProbeReport report(
      List<X509Certificate> caFile, TlsProbe.Result connection, boolean clientCertificate) {
    return new ProbeReport(
        URL,
        AT,
        connection,
        Path.of("ca.pem"),
        caFile,
        Path.of("/nonexistent/ca-certificates.crt"),
        Optional.empty(),
        ClientModes.evaluate(
            SERVED, caFile, "ca.pem", Optional.empty(), Optional.of("127.0.0.1"), AT),
        ClientModes.hostName(SERVED.get(0), "127.0.0.1"),
        clientCertificate ? Optional.of(Golden.certificates("agent-cert.pem")) : Optional.empty());
  }

  private static TlsProbe.Result accepted() {
    return result(Optional.of(200), Optional.of("HTTP/1.1 200 OK"), Optional.empty());
  }

  private static TlsProbe.Result rejected() {
    return result(Optional.empty(), Optional.empty(), Optional.of(TlsAlert.UNKNOWN_CA));
  }

  private static TlsProbe.Result result(
      Optional<Integer> status, Optional<String> statusLine, Optional<TlsAlert> alert) {
    return new TlsProbe.Result(
        SERVED,
        "TLSv1.3",
        "TLS_AES_128_GCM_SHA256",
        status,
        statusLine,
        alert,
        alert.map(a -> "Received fatal alert: " + a.alertName()),
        List.of());
  }
}
