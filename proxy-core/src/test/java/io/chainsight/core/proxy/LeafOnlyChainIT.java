package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.diagnose.Cause;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.OpenSslError;
import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.report.HandshakeFailure;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leaf served without its intermediate (tls.certificate-chain pointing at the leaf file): the
 * startup lint, /certs, and the live event for a client that rejects it all name the missing
 * intermediate, and all say the same about a client that reads only the first PEM block of its CA
 * file: no CA file works for it (intermediate first: error 2; root first: error 20); only serving
 * the intermediate does. Checked with openssl s_client given only the first block, and given all.
 */
class LeafOnlyChainIT {
  @RegisterExtension final ProxyExtension fixture = new ProxyExtension();

  private final TestPki pki = fixture.pki();
  private ChainsightServer proxy;
  private LogCapture lint;

  @BeforeEach
  void start() throws Exception {
    Path leafOnly =
        Files.writeString(fixture.dir().resolve("leaf-only.pem"), pki.server().certificatePem());
    Path key = fixture.serverFiles().key();
    lint = new LogCapture("io.chainsight.lint");
    proxy =
        fixture.start(
            config ->
                config
                    .certificate(leafOnly, key)
                    .clientAuth(ClientAuth.NONE)
                    .admin(new AdminSettings(true, "127.0.0.1", 0, Optional.empty())));
  }

  @AfterEach
  void stop() {
    lint.close();
  }

  private String intermediate() {
    return Certificates.subject(pki.intermediate().certificate());
  }

  private Command.Result sClient(Path caFile) {
    return Command.run(
        List.of(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + proxy.tlsAddress().getPort(),
            "-servername",
            "localhost",
            "-CAfile",
            caFile.toString(),
            "-verify_return_error"),
        "",
        20);
  }

  private HandshakeFailure awaitFailure(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (proxy.failures().recent().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(proxy.failures().recent()).hasSize(count);
    return proxy.failures().recent().get(0);
  }

  /** The live event's verdict: a first-block client fails whatever its CA file holds. */
  private static void assertExplainsTheFirstBlockClient(ChainDiagnosis d) {
    assertThat(d.reason()).contains(ReasonCode.CLIENT_REJECTED_OUR_CHAIN);
    assertThat(d.failure().orElseThrow().fix())
        .startsWith(
            "The server must send the intermediate: add CN=test intermediate CA,O=chainsight tests"
                + " to tls.certificate-chain right after the leaf");
    assertThat(d.causes())
        .anySatisfy(
            c -> {
              assertThat(c.likelihood()).isEqualTo(Cause.Likelihood.LIKELY);
              assertThat(c.openssl()).contains(OpenSslError.UNABLE_TO_GET_ISSUER_CERT);
              assertThat(c.cause())
                  .contains("reads only the first PEM block")
                  .contains(
                      "with the intermediate first it trusts only that and fails with error 2")
                  .contains("with the root first, error 20");
            });
  }

  private Optional<String> lintWarning() {
    return lint.events().stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(e -> e.getFormattedMessage())
        .filter(m -> m.contains("intermediate:"))
        .findFirst();
  }

  @Test
  void startupLintWarnsNamingTheMissingIntermediateAndWhereItGoes() throws InterruptedException {
    // The startup lint runs beside the first clients, not before readiness: wait for its warning.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (lintWarning().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    String warning =
        lintWarning()
            .orElseThrow(() -> new AssertionError("no WARN from the lint: " + lint.events()));

    assertThat(warning)
        .startsWith(
            "served chain WARNING intermediate: the chain is the leaf alone: its issuer "
                + intermediate()
                + " (key id "
                + Certificates.subjectKeyId(pki.intermediate().certificate())
                + "), an intermediate CA (it is in tls.trusted-cas), is not sent.")
        .contains("with the intermediate first, error 2")
        .contains("with the root first, error 20")
        .endsWith(
            "The server must send the intermediate: add "
                + intermediate()
                + " to tls.certificate-chain right after the leaf (leaf, intermediate, then"
                + " optionally the root)");
  }

  @Test
  void certsEndpointFlagsTheMissingIntermediate() throws Exception {
    String certs =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + proxy.adminAddress().orElseThrow().getPort()
                                + "/certs?format=text"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(certs)
        .contains("0 errors, 1 warnings")
        .contains(
            "  WARNING  intermediate the chain is the leaf alone: its issuer " + intermediate());
  }

  @Test
  void firstBlockClientWithTheIntermediateFirstFailsWithError2AndTheEventSaysSendTheIntermediate()
      throws Exception {
    Path firstBlock =
        Files.writeString(
            fixture.dir().resolve("first-block-int.pem"), pki.intermediate().certificatePem());

    Command.Result client = sClient(firstBlock);

    assertThat(client.exitCode()).isNotZero();
    assertThat(client.stdout() + client.stderr())
        .contains("verify error:num=2:unable to get issuer certificate");
    assertExplainsTheFirstBlockClient(awaitFailure(1).diagnosis());
  }

  @Test
  void firstBlockClientWithTheRootFirstFailsWithError20AndTheSameFix() throws Exception {
    Path firstBlock =
        Files.writeString(
            fixture.dir().resolve("first-block-root.pem"), pki.root().certificatePem());

    Command.Result client = sClient(firstBlock);

    assertThat(client.exitCode()).isNotZero();
    assertThat(client.stdout() + client.stderr())
        .contains("verify error:num=20:unable to get local issuer certificate");
    assertExplainsTheFirstBlockClient(awaitFailure(1).diagnosis());
  }

  @Test
  void aClientThatReadsEveryBlockOfIntermediateAndRootVerifies() throws Exception {
    Path allBlocks =
        Files.writeString(
            fixture.dir().resolve("int-then-root.pem"),
            pki.intermediate().certificatePem() + pki.root().certificatePem());

    Command.Result client = sClient(allBlocks);

    assertThat(client.stdout()).contains("Verify return code: 0 (ok)");
    assertThat(proxy.failures().recent()).isEmpty();
  }
}
