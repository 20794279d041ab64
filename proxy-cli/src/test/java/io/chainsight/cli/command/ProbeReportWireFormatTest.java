package io.chainsight.cli.command;

import static io.chainsight.core.testing.Golden.assertMatches;

import io.chainsight.cli.probe.TlsProbe;
import io.chainsight.core.diagnose.ClientModes;
import io.chainsight.core.testing.Golden;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code probe --json} is read by scripts: its bytes for fixed inputs are recorded. */
class ProbeReportWireFormatTest {
  @Test
  void aProbeOfTheExampleRegistrarIsWrittenAsRecorded() {
    Instant at = Instant.parse("2027-06-01T12:00:00.456Z");
    List<X509Certificate> served = Golden.certificates("registrar-chain.pem");
    List<X509Certificate> caFile = Golden.certificates("root-ca.pem");
    TlsProbe.Result connection =
        new TlsProbe.Result(
            served,
            "TLSv1.3",
            "TLS_AES_128_GCM_SHA256",
            Optional.of(200),
            Optional.of("HTTP/1.1 200 OK"),
            Optional.empty(),
            Optional.empty(),
            List.of("CN=chainsight example intermediate CA,O=chainsight example"));
    ProbeReport report =
        new ProbeReport(
            "https://127.0.0.1:8891/version",
            at,
            connection,
            Path.of("root-ca.pem"),
            caFile,
            Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Optional.empty(),
            ClientModes.evaluate(
                served, caFile, "root-ca.pem", Optional.empty(), Optional.of("127.0.0.1"), at),
            ClientModes.hostName(served.get(0), "127.0.0.1"),
            Optional.of(Golden.certificates("agent-cert.pem")));

    assertMatches("probe-report.json", report.json());
  }
}
