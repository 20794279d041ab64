package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.StrictJson;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainsight probe} against a real TLS server on 127.0.0.1 that presents leaf, intermediate
 * and root, with CA files laid out the way the field report's hosts had them.
 */
class ProbeCommandIT {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate serverLeaf =
      pki.server("localhost").addSubjectAlternativeName("127.0.0.1").build();
  private TestTlsServer server;
  private Path noOsStore;

  @BeforeEach
  void startServer() throws Exception {
    server =
        TestTlsServer.start(serverLeaf, List.of(pki.intermediate(), pki.root()), Optional.empty());
    noOsStore = dir.resolve("no-os-store.pem");
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void caFileWithTheIntermediateFirstFailsFirstBlockClientsWithError2() throws IOException {
    Path ca =
        write(
            "int-then-root.pem", pki.intermediate().certificatePem() + pki.root().certificatePem());

    CliRun run = probe(server.port(), "--ca", ca.toString(), "--os-ca-file", noOsStore.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .startsWith("FAIL: 2 of 3 client modes verify https://127.0.0.1:" + server.port())
        .contains("The server presented 3 certificates (TLSv1.3")
        .contains("  ok   every PEM block [openssl s_client/verify, nginx, Python < 3.13]\n")
        .contains("  ok   every PEM block, partial chain allowed [curl 7.68+, Python 3.13+]\n")
        .contains(
            "  FAIL first PEM block only [reqwest/native-tls Certificate::from_pem, OpenSSL X509::from_pem]\n"
                + "        ISSUER_NOT_FOUND at step 11 (trust anchor #1 (also presented[1]) CN=Keylime Intermediate): "
                + "OpenSSL error 2 \"unable to get issuer certificate\"\n")
        .contains(
            "Fix: This client reads only the first PEM block of "
                + ca
                + ", CN=Keylime Intermediate; the path "
                + "needs CN=Keylime Root, which is block 2: put it first, or alone, in "
                + ca
                + ".")
        .contains(
            "Host name: ok, IP 127.0.0.1 is in the subjectAltName (DNS:localhost, IP:127.0.0.1)");
  }

  @Test
  void firstBlockClientWorksWhenTheOsStoreHoldsTheRoot() throws IOException {
    Path ca =
        write(
            "int-then-root.pem", pki.intermediate().certificatePem() + pki.root().certificatePem());
    Path osWithRoot =
        write(
            "os-with-root.pem",
            TestPki.create("Some Public Root", "Unused").root().certificatePem()
                + pki.root().certificatePem());
    Path osWithoutRoot =
        write(
            "os-without-root.pem",
            TestPki.create("Some Public Root", "Unused").root().certificatePem());

    CliRun withRoot =
        probe(server.port(), "--ca", ca.toString(), "--os-ca-file", osWithRoot.toString());
    CliRun withoutRoot =
        probe(server.port(), "--ca", ca.toString(), "--os-ca-file", osWithoutRoot.toString());

    // The field report's one working host of three had the Keylime root installed system-wide.
    assertThat(withRoot.out())
        .contains("  ok   first PEM block only, plus the OS trust store [rust-keylime agent");
    assertThat(withoutRoot.out())
        .contains("  FAIL first PEM block only, plus the OS trust store [rust-keylime agent");
  }

  @Test
  void jsonReportHasEveryModeWithItsDiagnosis() throws IOException {
    Path ca =
        write(
            "int-then-root.pem", pki.intermediate().certificatePem() + pki.root().certificatePem());

    CliRun run =
        probe(server.port(), "--ca", ca.toString(), "--os-ca-file", noOsStore.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode json = StrictJson.tree(run.out());
    assertThat(json.at("/pass").booleanValue()).isFalse();
    assertThat(json.get("modes"))
        .extracting(m -> m.get("mode").textValue())
        .containsExactly("EVERY_BLOCK", "EVERY_BLOCK_PARTIAL_CHAIN", "FIRST_BLOCK");
    assertThat(json.at("/modes/0/valid").booleanValue()).isTrue();
    assertThat(json.at("/modes/2/valid").booleanValue()).isFalse();
    assertThat(json.at("/modes/2/diagnosis/failure/openssl/code").intValue()).isEqualTo(2);
    assertThat(json.at("/modes/2/diagnosis/failure/certificate/subject").textValue())
        .isEqualTo("CN=Keylime Intermediate");
    assertThat(json.at("/osTrustStore").isNull()).isTrue();
  }

  @Test
  void caFileWithOnlyTheRootPassesEveryMode() throws IOException {
    Path ca = write("root.pem", pki.root().certificatePem());

    CliRun run = probe(server.port(), "--ca", ca.toString(), "--os-ca-file", noOsStore.toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).startsWith("PASS: 3 of 3 client modes verify").doesNotContain("FAIL");
  }

  @Test
  void ipAddressNotInTheServersSansFailsEveryMode() throws Exception {
    HeldCertificate dnsOnly = pki.server("localhost").build();
    try (TestTlsServer dnsServer =
        TestTlsServer.start(dnsOnly, List.of(pki.intermediate()), Optional.empty())) {
      Path ca = write("root.pem", pki.root().certificatePem());

      CliRun run =
          probe(dnsServer.port(), "--ca", ca.toString(), "--os-ca-file", noOsStore.toString());

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains(
              "Host name: FAIL, presented[0] CN=localhost has no IP address 127.0.0.1 in its "
                  + "subjectAltName (DNS:localhost)")
          .contains(
              "HOSTNAME_MISMATCH at step 18 (presented[0] CN=localhost): OpenSSL error 64 \"IP address mismatch\"");
    }
  }

  @Test
  void clientCertificateFromTheTrustedCaIsAccepted() throws Exception {
    HeldCertificate agent = pki.agent("agent-1").build();
    try (TestTlsServer mtls =
        TestTlsServer.start(
            serverLeaf, List.of(pki.intermediate(), pki.root()), Optional.of(pki.root()))) {
      Path ca = write("root.pem", pki.root().certificatePem());
      Path cert = write("agent.pem", agent.certificatePem() + pki.intermediate().certificatePem());
      Path key = write("agent.key", agent.privateKeyPem());

      CliRun run =
          probe(
              mtls.port(),
              "--ca",
              ca.toString(),
              "--os-ca-file",
              noOsStore.toString(),
              "--cert",
              cert.toString(),
              "--key",
              key.toString());

      assertThat(run.exitCode()).as(run.out()).isZero();
      assertThat(run.out())
          .contains(
              "Client certificate CN=agent-1: accepted, the server answered HTTP/1.1 200 OK.\n"
                  + "  The server asks for client certificates issued under: CN=Keylime Root\n");
    }
  }

  @Test
  void clientCertificateFromAnotherCaIsRejectedWithTheServersAlert() throws Exception {
    TestPki other = TestPki.create("Other Root", "Other Intermediate");
    HeldCertificate stranger = other.agent("stranger").build();
    try (TestTlsServer mtls =
        TestTlsServer.start(
            serverLeaf, List.of(pki.intermediate(), pki.root()), Optional.of(pki.root()))) {
      Path ca = write("root.pem", pki.root().certificatePem());
      Path cert =
          write("stranger.pem", stranger.certificatePem() + other.intermediate().certificatePem());
      Path key = write("stranger.key", stranger.privateKeyPem());

      CliRun run =
          probe(
              mtls.port(),
              "--ca",
              ca.toString(),
              "--os-ca-file",
              noOsStore.toString(),
              "--cert",
              cert.toString(),
              "--key",
              key.toString());

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.out())
          .startsWith(
              "FAIL: https://127.0.0.1:"
                  + mtls.port()
                  + " rejected the client certificate CN=stranger at ")
          .contains("; its own chain verifies in all 3 client modes.\n")
          // Usually the alert arrives; if the server's reset beats it, TCP drops it and the probe
          // says so.
          .containsPattern(
              "Client certificate CN=stranger: REJECTED, (the server sent alert [a-z_]+ \\(\\d+\\)\\."
                  + "|the server closed the connection (right after the handshake"
                  + "|during the handshake, after sending its certificate))");
    }
  }

  @Test
  void nothingListeningExitsTwo() throws IOException {
    int closedPort;
    try (ServerSocket probeForFreePort = new ServerSocket(0)) {
      closedPort = probeForFreePort.getLocalPort();
    }
    Path ca = write("root.pem", pki.root().certificatePem());

    CliRun run = probe(closedPort, "--ca", ca.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("chainsight probe: cannot connect to 127.0.0.1:" + closedPort + ": ")
        .contains("(expected: a TLS server listening there");
  }

  @Test
  void plainHttpServerExitsTwo() throws Exception {
    try (TestTlsServer plain = TestTlsServer.plain()) {
      Path ca = write("root.pem", pki.root().certificatePem());

      CliRun run = probe(plain.port(), "--ca", ca.toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .contains("did not complete a TLS handshake up to its certificate")
          .contains("is this the TLS port");
    }
  }

  @Test
  void leafOnlyServerWithTheRootFirstIsTheServersToFixNotTheCaFiles() throws Exception {
    Path ca =
        write(
            "root-then-int.pem", pki.root().certificatePem() + pki.intermediate().certificatePem());
    try (TestTlsServer leafOnly = TestTlsServer.start(serverLeaf, List.of(), Optional.empty())) {
      CliRun run =
          probe(leafOnly.port(), "--ca", ca.toString(), "--os-ca-file", noOsStore.toString());

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.out())
          .contains("The server presented 1 certificate (")
          .contains("  ok   every PEM block [openssl s_client/verify, nginx, Python < 3.13]\n")
          .contains(
              "  FAIL first PEM block only [reqwest/native-tls Certificate::from_pem, OpenSSL X509::from_pem]\n")
          .contains("OpenSSL error 20 \"unable to get local issuer certificate\"")
          .contains("Fix: The server must send the intermediate CN=Keylime Intermediate (SKI ")
          .contains(
              "so no CA file works for it (the intermediate first: OpenSSL error 2; the root first: error 20)")
          .doesNotContain("which is block 1: put it first");
    }
  }

  @Test
  void halfOfTheClientCredentialsExitsTwo() throws IOException {
    Path ca = write("root.pem", pki.root().certificatePem());

    CliRun run = probe(server.port(), "--ca", ca.toString(), "--cert", ca.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--cert and --key: only --cert given (expected: both, or neither)");
  }

  private static CliRun probe(int port, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "probe";
    args[1] = "https://127.0.0.1:" + port;
    System.arraycopy(options, 0, args, 2, options.length);
    return CliRun.of(args);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
