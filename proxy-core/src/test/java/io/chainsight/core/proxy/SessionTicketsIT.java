package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.ProxyFixture;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.tls.ServerCredentials;
import io.netty.handler.ssl.OpenSslSessionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 session tickets, with openssl s_client saving the session after one request and resuming
 * it for the next: a ticket resumes; a new ticket key (the rotation, a reload) retires every
 * earlier ticket; and a resumed session's client certificate is checked again, so an expired or
 * revoked one cannot get back in by resuming.
 */
class SessionTicketsIT {
  private static final String REQUEST =
      "GET /version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

  private final TestPki pki = TestPki.create();

  @TempDir Path dir;

  private RecordingBackend backend;
  private ChainsightServer proxy;
  private Path session;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void aTicketResumesTheSessionAndTheRequestIsForwarded() throws Exception {
    start(List.of());
    HeldCertificate agent = pki.agent("agent-1");
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    Command.Result resumed = sClient(agent, "-sess_in");

    assertThat(resumed.stdout()).contains("Reused, TLSv1.3", "HTTP/1.1 200");
    assertThat(sessionContext().stats().ticketKeyResume()).isEqualTo(1);
    // The resumed session carries the certificate's identity, as the full handshake did.
    assertThat(backend.received()).hasSize(2);
    assertThat(backend.received().get(1).header(ForwardedHeaders.X_FORWARDED_CLIENT_CERT))
        .isEqualTo(backend.received().get(0).header(ForwardedHeaders.X_FORWARDED_CLIENT_CERT))
        .contains("Subject=\"CN=agent-1\"");
  }

  @Test
  void aNewTicketKeyLeavesEarlierTicketsUnableToResume() throws Exception {
    start(List.of());
    HeldCertificate agent = pki.agent("agent-1");
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    proxy.credentials().newTicketKey();
    Command.Result afterRotation = sClient(agent, "-sess_in");

    // A full handshake instead, which the valid certificate passes.
    assertThat(afterRotation.stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");
    assertThat(sessionContext().stats().ticketKeyFail()).isEqualTo(1);
  }

  @Test
  void aCertificateThatExpiredSinceItsTicketWasIssuedCannotResume() throws Exception {
    start(List.of());
    Instant notAfter = Instant.now().plusSeconds(5);
    HeldCertificate agent =
        pki.agentBuilder("short-lived").validity(Instant.now().minusSeconds(60), notAfter).build();
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), notAfter).toMillis()) + 1_000);
    Command.Result resumed = sClient(agent, "-sess_in");

    // BoringSSL accepts the ticket; the certificate check that follows refuses the session before a
    // byte of the request is read.
    assertThat(resumed.stdout()).contains("Reused, TLSv1.3").doesNotContain("HTTP/1.1");
    assertThat(backend.received()).hasSize(1);
    awaitFailure("EXPIRED");
  }

  @Test
  void aCertificateRevokedSinceItsTicketWasIssuedCannotResume() throws Exception {
    HeldCertificate agent = pki.agent("agent-1");
    Path crls = dir.resolve("crls.pem");
    writeCrls(crls);
    start(List.of(crls));
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    writeCrls(crls, agent);
    assertThat(proxy.reload("test").outcome())
        .isEqualTo(ServerCredentials.ReloadResult.Outcome.CHANGED);
    Command.Result afterRevocation = sClient(agent, "-sess_in");

    // The reload's new context has a new ticket key: the old ticket is refused, and the full
    // handshake fails on the revocation.
    assertThat(afterRevocation.stdout()).doesNotContain("Reused").doesNotContain("HTTP/1.1");
    assertThat(backend.received()).hasSize(1);
    awaitFailure("REVOKED");
  }

  private void start(List<Path> crls) throws Exception {
    TestPki.ServerFiles files = pki.writeServerFiles(dir);
    backend = RecordingBackend.start();
    TlsSettings tls =
        new TlsSettings(
            files.chain(),
            files.key(),
            ClientAuth.REQUIRE,
            Optional.of(files.trustedCas()),
            crls,
            TlsSettings.SUPPORTED_PROTOCOLS,
            Duration.ofSeconds(10),
            ClientAuthFailure.ALERT);
    ChainsightConfig config =
        ProxyFixture.config(tls, ProxyFixture.backend(backend.port(), Duration.ofSeconds(60)));
    proxy = ChainsightServer.start(config);
    session = dir.resolve("session.pem");
  }

  /** CRLs from the intermediate (revoking {@code revoked}) and from the root (revoking nothing). */
  private void writeCrls(Path file, HeldCertificate... revoked) throws Exception {
    Files.writeString(
        file,
        Pem.encode(io.chainsight.core.diagnose.TestPki.crl(pki.intermediate(), revoked))
            + Pem.encode(io.chainsight.core.diagnose.TestPki.crl(pki.root())));
  }

  /**
   * One request over TLS 1.3; {@code -sess_out} saves the session (its tickets), {@code -sess_in}
   * offers it.
   */
  private Command.Result sClient(HeldCertificate agent, String sessionOption) {
    Path[] files = TestPki.writeClientFiles(dir, "agent", agent, pki.intermediate());
    return Command.run(
        List.of(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + proxy.tlsAddress().getPort(),
            "-servername",
            "localhost",
            "-tls1_3",
            "-CAfile",
            dir.resolve("root-ca.pem").toString(),
            "-verify_return_error",
            "-cert",
            files[0].toString(),
            "-key",
            files[1].toString(),
            sessionOption,
            session.toString(),
            // Keeps reading after the request was sent, until the proxy closes: the tickets
            // arrive, and so does the response.
            "-ign_eof"),
        REQUEST,
        20);
  }

  private OpenSslSessionContext sessionContext() {
    return (OpenSslSessionContext) proxy.credentials().context().sessionContext();
  }

  /** The handshake failure is reported on the event loop, just after the client saw the close. */
  private void awaitFailure(String reason) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (proxy.metrics().handshakeFailures(reason) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(proxy.metrics().handshakeFailures(reason))
        .as("failures reported as " + reason)
        .isEqualTo(1);
  }
}
