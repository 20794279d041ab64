package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestPki;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each failure a real client can cause, caused by a real client (curl, openssl s_client, a raw
 * socket), and the log event that must name its reason, the failing step and the certificate at
 * fault.
 */
class HandshakeDiagnosticsIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Instant NOW = Instant.now();

  private final TestPki pki = proxy.pki();
  private final HeldCertificate root = pki.root();
  private final HeldCertificate intermediate = pki.intermediate();

  private LogCapture log;

  @BeforeEach
  void capture() {
    log = new LogCapture(FailureReporter.LOGGER);
  }

  @AfterEach
  void stop() {
    log.close();
  }

  /** The proxy trusting {@code trusted}, with optional CRLs and failure mode. */
  private int start(
      List<HeldCertificate> trusted,
      List<Path> crls,
      ClientAuthFailure mode,
      Duration handshakeTimeout)
      throws Exception {
    StringBuilder bundle = new StringBuilder();
    trusted.forEach(c -> bundle.append(c.certificatePem()));
    Path trustedCas = Files.writeString(proxy.dir().resolve("trusted.pem"), bundle.toString());
    proxy.start(
        config ->
            config
                .trustedCas(trustedCas)
                .crls(crls)
                .clientAuthFailure(mode)
                .handshakeTimeout(handshakeTimeout));
    return proxy.port();
  }

  private int start() throws Exception {
    return start(
        List.of(intermediate, root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
  }

  private Command.Result curl(int port, HeldCertificate leaf, HeldCertificate... chain) {
    Path[] files = TestPki.writeClientFiles(proxy.dir(), "client", leaf, chain);
    return Command.curl(
        proxy.serverFiles().rootCa(),
        files,
        "--max-time",
        "10",
        "https://localhost:" + port + "/version");
  }

  private Map<String, Object> failureWith(String reason) {
    Map<String, Object> event = log.await("reason", reason, WAIT);
    assertThat(proxy.backend().received()).as("the backend must receive nothing").isEmpty();
    return event;
  }

  @Test
  void issuerWithTheSameNameButAnotherKey() throws Exception {
    int port = start();
    HeldCertificate lookAlike =
        HeldCertificate.builder()
            .subject("CN=test intermediate CA,O=chainsight tests")
            .certificateAuthority(0)
            .signedBy(root)
            .build();
    HeldCertificate agent =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(lookAlike)
            .purpose(Purpose.CLIENT_AUTH)
            .build();

    assertThat(curl(port, agent).exitCode()).isNotZero();
    Map<String, Object> event = failureWith("ISSUER_KEY_MISMATCH");
    assertThat((String) event.get("certificate")).isEqualTo("presented[0] CN=agent-1");
    assertThat((String) event.get("explanation")).contains("CN=test intermediate CA");
    assertThat((String) event.get("openssl_error")).startsWith("20 ");
  }

  @Test
  void missingIntermediate() throws Exception {
    int port = start(List.of(root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
    assertThat(curl(port, pki.agent("agent-1").build()).stderr()).contains("unknown ca");
    Map<String, Object> event = failureWith("ISSUER_NOT_FOUND");
    assertThat((String) event.get("certificate")).isEqualTo("presented[0] CN=agent-1");
    assertThat((String) event.get("fix")).contains("CN=test intermediate CA");
  }

  @Test
  void expiredLeafGetsCertificateExpired() throws Exception {
    int port = start();
    HeldCertificate expired =
        pki.agent("old-agent")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)))
            .build();
    assertThat(curl(port, expired, intermediate).stderr()).contains("certificate expired");
    Map<String, Object> event = failureWith("EXPIRED");
    assertThat((String) event.get("certificate")).isEqualTo("presented[0] CN=old-agent");
    assertThat((String) event.get("openssl_error")).startsWith("10 ");
  }

  @Test
  void notYetValidLeaf() throws Exception {
    int port = start();
    HeldCertificate future =
        pki.agent("future-agent")
            .validity(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)))
            .build();
    curl(port, future, intermediate);
    assertThat((String) failureWith("NOT_YET_VALID").get("certificate"))
        .isEqualTo("presented[0] CN=future-agent");
  }

  @Test
  void expiredIntermediate() throws Exception {
    int port = start(List.of(root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
    HeldCertificate oldCa =
        HeldCertificate.builder()
            .subject("CN=old intermediate")
            .certificateAuthority(0)
            .signedBy(root)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)))
            .build();
    HeldCertificate agent =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(oldCa)
            .purpose(Purpose.CLIENT_AUTH)
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(10)))
            .build();
    curl(port, agent, oldCa);
    assertThat((String) failureWith("EXPIRED").get("certificate"))
        .isEqualTo("presented[1] CN=old intermediate");
  }

  @Test
  void issuerThatIsNotACa() throws Exception {
    int port = start(List.of(root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
    HeldCertificate notCa =
        HeldCertificate.builder().subject("CN=not a CA").caFalse().signedBy(root).build();
    HeldCertificate agent =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(notCa)
            .purpose(Purpose.CLIENT_AUTH)
            .build();
    curl(port, agent, notCa);
    assertThat((String) failureWith("ISSUER_NOT_CA").get("certificate")).contains("CN=not a CA");
  }

  @Test
  void issuerWithoutKeyCertSign() throws Exception {
    int port = start(List.of(root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
    HeldCertificate weakCa =
        HeldCertificate.builder()
            .subject("CN=no keyCertSign CA")
            .certificateAuthority(0)
            .withoutKeyCertSign()
            .signedBy(root)
            .build();
    HeldCertificate agent =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(weakCa)
            .purpose(Purpose.CLIENT_AUTH)
            .build();
    curl(port, agent, weakCa);
    assertThat((String) failureWith("ISSUER_KEY_USAGE").get("certificate"))
        .contains("CN=no keyCertSign CA");
  }

  @Test
  void pathLengthExceeded() throws Exception {
    int port = start(List.of(root), List.of(), ClientAuthFailure.ALERT, Duration.ofSeconds(10));
    HeldCertificate sub =
        HeldCertificate.builder()
            .subject("CN=sub CA")
            .certificateAuthority(0)
            .signedBy(intermediate)
            .build();
    HeldCertificate agent =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(sub)
            .purpose(Purpose.CLIENT_AUTH)
            .build();
    curl(port, agent, sub, intermediate);
    assertThat(failureWith("PATH_LENGTH_EXCEEDED")).containsKey("certificate");
  }

  @Test
  void serverAuthOnlyCertificateGetsUnsupportedCertificate() throws Exception {
    int port = start();
    HeldCertificate serverOnly =
        HeldCertificate.builder()
            .commonName("agent-1")
            .signedBy(intermediate)
            .purpose(Purpose.SERVER_AUTH)
            .build();
    assertThat(curl(port, serverOnly, intermediate).stderr()).contains("unsupported certificate");
    assertThat((String) failureWith("WRONG_PURPOSE").get("certificate"))
        .isEqualTo("presented[0] CN=agent-1");
  }

  @Test
  void selfSignedClient() throws Exception {
    int port = start();
    HeldCertificate self =
        HeldCertificate.builder().commonName("selfie").purpose(Purpose.CLIENT_AUTH).build();
    curl(port, self);
    assertThat((String) failureWith("SELF_SIGNED_LEAF").get("certificate"))
        .isEqualTo("presented[0] CN=selfie");
  }

  @Test
  void revokedByCrl() throws Exception {
    HeldCertificate agent = pki.agent("revoked-agent").build();
    Path crls = proxy.dir().resolve("crls.pem");
    Files.writeString(
        crls, Pem.encode(TestPki.crl(intermediate, agent)) + Pem.encode(TestPki.crl(root)));
    int port =
        start(
            List.of(intermediate, root),
            List.of(crls),
            ClientAuthFailure.ALERT,
            Duration.ofSeconds(10));
    assertThat(curl(port, agent, intermediate).stderr()).contains("revoked");
    assertThat((String) failureWith("REVOKED").get("certificate"))
        .isEqualTo("presented[0] CN=revoked-agent");
  }

  @Test
  void noCertificate() throws Exception {
    int port = start();
    Command.run(
        List.of(
            "curl",
            "-sS",
            "--cacert",
            proxy.serverFiles().rootCa().toString(),
            "https://localhost:" + port + "/version"),
        null,
        20);
    assertThat((String) failureWith("NO_CLIENT_CERTIFICATE").get("fix")).contains("--cert");
  }

  @Test
  void clientTrustingOnlyOurIntermediateRejectsOurChainOverTls13() throws Exception {
    int port = start();
    Path intermediateOnly =
        Files.writeString(
            proxy.dir().resolve("intermediate-first.pem"), intermediate.certificatePem());
    Path[] files =
        TestPki.writeClientFiles(proxy.dir(), "agent", pki.agent("agent-1").build(), intermediate);
    Command.Result sClient =
        Command.run(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                "localhost",
                "-CAfile",
                intermediateOnly.toString(),
                "-verify_return_error",
                "-cert",
                files[0].toString(),
                "-key",
                files[1].toString()),
            "",
            20);
    // OpenSSL error 2 (the trusted intermediate's issuer is missing); both it and 19 send
    // unknown_ca.
    assertThat(sClient.stdout() + sClient.stderr())
        .containsAnyOf(
            "unable to get issuer certificate", "self-signed certificate in certificate chain");

    Map<String, Object> event = failureWith("CLIENT_REJECTED_OUR_CHAIN");
    assertThat(event.get("alert_received")).isEqualTo("unknown_ca");
    assertThat((String) event.get("message")).contains("first PEM block");
  }

  @Test
  void plainHttpOnTheTlsPort() throws Exception {
    int port = start();
    Command.Result curl =
        Command.run(List.of("curl", "-sS", "http://127.0.0.1:" + port + "/version"), null, 20);
    assertThat(curl.stdout()).contains("use https://");
    assertThat((String) failureWith("PLAINTEXT_HTTP_ON_TLS_PORT").get("explanation"))
        .contains("GET /version");
  }

  @Test
  void stalledHandshakeTimesOut() throws Exception {
    int port =
        start(
            List.of(intermediate, root),
            List.of(),
            ClientAuthFailure.ALERT,
            Duration.ofMillis(500));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(new byte[] {0x16, 0x03, 0x01}); // a ClientHello that never finishes
      socket.setSoTimeout(5000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat((String) failureWith("HANDSHAKE_TIMEOUT").get("explanation")).contains("500ms");
  }

  @Test
  void httpFailureModeAnswers401NamingReasonAndId() throws Exception {
    int port =
        start(
            List.of(intermediate, root), List.of(), ClientAuthFailure.HTTP, Duration.ofSeconds(10));
    HeldCertificate expired =
        pki.agent("old-agent")
            .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)))
            .build();
    Command.Result curl = curl(port, expired, intermediate);
    Map<String, Object> event = failureWith("EXPIRED");
    assertThat(curl.stdout())
        .startsWith(
            "{\"code\": 401, \"status\": \"Unauthorized: client certificate rejected: " + "EXPIRED")
        .contains("failure id " + event.get("failure_id"));
  }

  @Test
  void identicalFailuresAreLoggedOnceAndCounted() throws Exception {
    int port = start();
    HeldCertificate self =
        HeldCertificate.builder().commonName("selfie").purpose(Purpose.CLIENT_AUTH).build();
    for (int i = 0; i < 3; i++) {
      curl(port, self);
    }
    failureWith("SELF_SIGNED_LEAF");
    List<Object> reasons = new ArrayList<>();
    log.events().forEach(e -> reasons.add(LogCapture.fields(e).get("reason")));
    assertThat(reasons).containsExactly("SELF_SIGNED_LEAF");
    assertThat(proxy.server().metrics().handshakeFailures("SELF_SIGNED_LEAF")).isEqualTo(3);
    assertThat(proxy.server().failures().recent()).hasSize(3);
  }
}
