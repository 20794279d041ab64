package io.chainsight.core.diagnose;

import static io.chainsight.core.testing.TestPki.chain;
import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientModesTest {
  private final TestPki pki = TestPki.create("Keylime Root", "Keylime Intermediate");
  private final HeldCertificate server = pki.server("registrar.example").build();
  private final List<X509Certificate> presented = chain(server, pki.intermediate(), pki.root());

  @Test
  void intermediateFirstFailsOnlyFirstBlockModesAndSaysWhichBlockToMove() {
    List<ClientModes.Result> results =
        ClientModes.evaluate(
            presented,
            List.of(pki.intermediate().certificate(), pki.root().certificate()),
            "ca.pem",
            Optional.empty(),
            Optional.of("registrar.example"),
            Instant.now());

    assertThat(results)
        .extracting(ClientModes.Result::mode)
        .containsExactly(
            ClientMode.EVERY_BLOCK, ClientMode.EVERY_BLOCK_PARTIAL_CHAIN, ClientMode.FIRST_BLOCK);
    assertThat(results).extracting(r -> r.diagnosis().valid()).containsExactly(true, true, false);
    Failure f = results.get(2).diagnosis().failure().orElseThrow();
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT);
    assertThat(f.fix())
        .isEqualTo(
            "This client reads only the first PEM block of ca.pem, CN=Keylime Intermediate; "
                + "the path needs CN=Keylime Root, which is block 2: put it first, or alone, in ca.pem.");
  }

  @Test
  void osStoreWithTheRootRescuesTheFirstBlockClient() {
    List<ClientModes.Result> results =
        ClientModes.evaluate(
            presented,
            List.of(pki.intermediate().certificate(), pki.root().certificate()),
            "ca.pem",
            Optional.of(List.of(pki.root().certificate())),
            Optional.empty(),
            Instant.now());

    assertThat(results)
        .filteredOn(r -> r.mode() == ClientMode.FIRST_BLOCK_AND_OS_STORE)
        .singleElement()
        .satisfies(r -> assertThat(r.diagnosis().valid()).isTrue());
  }

  @Test
  void intermediateOnlyCaFilePassesOnlyWithPartialChains() {
    List<ClientModes.Result> results =
        ClientModes.evaluate(
            presented,
            List.of(pki.intermediate().certificate()),
            "ca.pem",
            Optional.empty(),
            Optional.empty(),
            Instant.now());

    assertThat(results).extracting(r -> r.diagnosis().valid()).containsExactly(false, true, false);
    // Reading every block does not help here, so the fix stays the engine's: add the root.
    assertThat(results.get(2).diagnosis().failure().orElseThrow().fix())
        .startsWith("Add the root CN=Keylime Root");
  }

  @Test
  void leafOnlyServerWithTheRootFirstSaysTheServerMustSendTheIntermediate() {
    List<ClientModes.Result> results =
        ClientModes.evaluate(
            chain(server),
            List.of(pki.root().certificate(), pki.intermediate().certificate()),
            "ca.pem",
            Optional.empty(),
            Optional.of("registrar.example"),
            Instant.now());

    assertThat(results).extracting(r -> r.diagnosis().valid()).containsExactly(true, true, false);
    Failure f = results.get(2).diagnosis().failure().orElseThrow();
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assertThat(f.fix())
        .startsWith("The server must send the intermediate CN=Keylime Intermediate (SKI ")
        .contains("the path takes it from block 2 of ca.pem")
        .contains(
            "This client reads only the first PEM block, CN=Keylime Root, so no CA file works")
        .doesNotContain("which is block");
  }

  @Test
  void leafOnlyServerWithTheIntermediateFirstFailsWithError2AndTheSameFix() {
    List<ClientModes.Result> results =
        ClientModes.evaluate(
            chain(server),
            List.of(pki.intermediate().certificate(), pki.root().certificate()),
            "ca.pem",
            Optional.empty(),
            Optional.of("registrar.example"),
            Instant.now());

    Failure f = results.get(2).diagnosis().failure().orElseThrow();
    assertThat(f.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT);
    assertThat(f.fix()).startsWith("The server must send the intermediate CN=Keylime Intermediate");
  }

  @Test
  void hostNameStepStandsAlone() {
    Step step = ClientModes.hostName(server.certificate(), "10.0.0.5");

    assertThat(step.verdict()).isEqualTo(Step.Verdict.FAIL);
    assertThat(step.detail())
        .contains("has no IP address 10.0.0.5", "(OpenSSL error 64 \"IP address mismatch\")");
  }
}
