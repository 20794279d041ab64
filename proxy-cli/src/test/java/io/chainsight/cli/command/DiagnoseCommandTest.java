package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.testing.StrictJson;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chainsight diagnose} end to end: files in, report and exit code out. */
class DiagnoseCommandTest {
  @TempDir Path dir;

  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate agent = pki.agent("agent-1").build();
  private Path root;

  @BeforeEach
  void writeTrust() throws IOException {
    root = write("root.pem", pki.root().certificatePem());
  }

  @Test
  void validChainExitsZero() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem() + pki.intermediate().certificatePem());

    CliRun run = CliRun.of("diagnose", "--chain", chain.toString(), "--trust", root.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("VALID: the chain verifies for client authentication at ");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void agentSendingOnlyItsLeafExitsOneNamingTheStepAndOpensslError() throws IOException {
    Path chain = write("leaf.pem", agent.certificatePem());

    CliRun run = CliRun.of("diagnose", "--chain", chain.toString(), "--trust", root.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .startsWith("INVALID: ISSUER_NOT_FOUND (issuer not found)")
        .contains("Failed at step 5: ISSUER_NOT_FOUND\n  Certificate: presented[0] CN=agent-1\n")
        .contains("OpenSSL:     error 20 \"unable to get local issuer certificate\"")
        .contains(
            "or add CN=Keylime Intermediate (and, unless it is self-signed, its issuers up to the root) to "
                + root);
  }

  @Test
  void jsonOutputIsOneParsableObject() throws IOException {
    Path chain = write("leaf.pem", agent.certificatePem());

    CliRun run =
        CliRun.of("diagnose", "--chain", chain.toString(), "--trust", root.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).endsWith("}\n").hasLineCount(1);
    JsonNode json = StrictJson.tree(run.out());
    assertThat(json.at("/reason").textValue()).isEqualTo("ISSUER_NOT_FOUND");
    assertThat(json.at("/failure/openssl/code").intValue()).isEqualTo(20);
    assertThat(json.at("/failure/certificate/subject").textValue()).isEqualTo("CN=agent-1");
  }

  @Test
  void checkTimeAfterExpiryReportsExpired() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem() + pki.intermediate().certificatePem());
    String afterExpiry =
        agent.certificate().getNotAfter().toInstant().plus(Duration.ofDays(2)).toString();

    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            root.toString(),
            "--at",
            afterExpiry);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("INVALID: EXPIRED").contains("Failed at step 1: EXPIRED");
  }

  @Test
  void revokedAgentWithCrlsExitsOne() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem() + pki.intermediate().certificatePem());
    Path crls =
        write(
            "crls.pem",
            Pem.encode(TestPki.crl(pki.intermediate(), agent))
                + Pem.encode(TestPki.crl(pki.root())));

    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            root.toString(),
            "--crl",
            crls.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("Failed at step 8: REVOKED", "OpenSSL:     error 23 \"certificate revoked\"");
  }

  @Test
  void serverChainWithTheWrongHostName() throws IOException {
    HeldCertificate server = pki.server("registrar.example").build();
    Path chain = write("server.pem", server.certificatePem() + pki.intermediate().certificatePem());

    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            root.toString(),
            "--purpose",
            "server",
            "--host",
            "10.0.0.5");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .startsWith("INVALID: HOSTNAME_MISMATCH")
        .contains("OpenSSL:     error 64 \"IP address mismatch\"");
  }

  @Test
  void intermediateAsTheOnlyTrustAnchorFailsWithError2UnlessPartialChainsAreAllowed()
      throws IOException {
    Path chain = write("chain.pem", agent.certificatePem() + pki.intermediate().certificatePem());
    Path intermediate = write("intermediate.pem", pki.intermediate().certificatePem());

    CliRun strict =
        CliRun.of("diagnose", "--chain", chain.toString(), "--trust", intermediate.toString());
    CliRun partial =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            intermediate.toString(),
            "--partial-chain");

    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.out()).contains("OpenSSL:     error 2 \"unable to get issuer certificate\"");
    assertThat(partial.exitCode()).isZero();
  }

  @Test
  void missingFileExitsTwoWithAClearMessage() {
    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            dir.resolve("absent.pem").toString(),
            "--trust",
            root.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "chainsight diagnose: "
                + dir.resolve("absent.pem")
                + " does not exist "
                + "(expected: a PEM file; check the path and that the process can read it)\n");
  }

  @Test
  void keyGivenAsChainExitsTwo() throws IOException {
    Path key = write("agent.key", agent.privateKeyPem());

    CliRun run = CliRun.of("diagnose", "--chain", key.toString(), "--trust", root.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("PEM block 1 is a private key (expected: CERTIFICATE)");
  }

  @Test
  void unparsableTimeExitsTwo() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem());

    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            root.toString(),
            "--at",
            "tomorrow");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--at: \"tomorrow\" is not a time (expected: ISO-8601");
  }

  @Test
  void dateOnlyTimeIsMidnightUtc() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem() + pki.intermediate().certificatePem());
    String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString().substring(0, 10);

    CliRun run =
        CliRun.of(
            "diagnose", "--chain", chain.toString(), "--trust", root.toString(), "--at", tomorrow);

    assertThat(run.out()).contains(" at " + tomorrow + "T00:00:00Z.");
  }

  @Test
  void unknownPurposeExitsTwo() throws IOException {
    Path chain = write("chain.pem", agent.certificatePem());

    CliRun run =
        CliRun.of(
            "diagnose",
            "--chain",
            chain.toString(),
            "--trust",
            root.toString(),
            "--purpose",
            "mail");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--purpose'");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
