package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.config.ReloadResult;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestPki;
import io.netty.handler.ssl.OpenSslSessionContext;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS 1.3 session tickets, with openssl s_client saving the session after one request and resuming
 * it for the next: a ticket resumes; a new ticket key (the rotation, a reload) retires every
 * earlier ticket; and a resumed session's client certificate is checked again, so an expired or
 * revoked one cannot get back in by resuming.
 */
class SessionTicketsIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final String REQUEST =
      "GET /version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

  private final TestPki pki = proxy.pki();
  private final Path dir = proxy.dir();
  private final Path session = dir.resolve("session.pem");

  @Test
  void aTicketResumesTheSessionAndTheRequestIsForwarded() throws Exception {
    start(List.of());
    HeldCertificate agent = pki.agent("agent-1").build();
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    Command.Result resumed = sClient(agent, "-sess_in");

    assertThat(resumed.stdout()).contains("Reused, TLSv1.3", "HTTP/1.1 200");
    assertThat(sessionContext().stats().ticketKeyResume()).isEqualTo(1);
    // The resumed session carries the certificate's identity, as the full handshake did.
    assertThat(proxy.backend().received()).hasSize(2);
    assertThat(proxy.backend().received().get(1).header(ForwardedHeaders.X_FORWARDED_CLIENT_CERT))
        .isEqualTo(
            proxy.backend().received().get(0).header(ForwardedHeaders.X_FORWARDED_CLIENT_CERT))
        .contains("Subject=\"CN=agent-1\"");
  }

  @Test
  void theTicketsLeaveRightAfterTheHandshakeBeforeAnyRequest() throws Exception {
    // A client with Nagle's algorithm on sends its first request only once the server has sent
    // something to carry the ACK of its Finished: BoringSSL holds the tickets for the server's
    // first
    // write, and without a push they would wait for the response, which waits for that request.
    start(List.of());
    int port = proxy.port();
    SSLContext client = pki.clientContext(pki.agent("agent-1").build(), pki.intermediate());
    try (Socket plain = new Socket("127.0.0.1", port);
        SSLSocket tls =
            (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost", port, true)) {
      tls.startHandshake();

      // Nothing is sent and nothing read through TLS: only the kernel's count of what arrived.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (plain.getInputStream().available() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(plain.getInputStream().available())
          .as("bytes from the proxy after the handshake, before any request")
          .isPositive();
    }
    assertThat(sessionContext().stats().ticketKeyNew()).isPositive();
  }

  @Test
  void aNewTicketKeyLeavesEarlierTicketsUnableToResume() throws Exception {
    start(List.of());
    HeldCertificate agent = pki.agent("agent-1").build();
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    proxy.server().servedTls().newTicketKey();
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
        pki.agent("short-lived").validity(Instant.now().minusSeconds(60), notAfter).build();
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), notAfter).toMillis()) + 1_000);
    Command.Result resumed = sClient(agent, "-sess_in");

    // BoringSSL accepts the ticket; the certificate check that follows refuses the session before a
    // byte of the request is read.
    assertThat(resumed.stdout()).contains("Reused, TLSv1.3").doesNotContain("HTTP/1.1");
    assertThat(proxy.backend().received()).hasSize(1);
    awaitFailure("EXPIRED");
  }

  @Test
  void aCertificateRevokedSinceItsTicketWasIssuedCannotResume() throws Exception {
    HeldCertificate agent = pki.agent("agent-1").build();
    Path crls = dir.resolve("crls.pem");
    writeCrls(crls);
    start(List.of(crls));
    assertThat(sClient(agent, "-sess_out").stdout()).contains("New, TLSv1.3", "HTTP/1.1 200");

    writeCrls(crls, agent);
    assertThat(proxy.server().reload("test").outcome()).isEqualTo(ReloadResult.Outcome.CHANGED);
    Command.Result afterRevocation = sClient(agent, "-sess_in");

    // The reload's new context has a new ticket key: the old ticket is refused, and the full
    // handshake fails on the revocation.
    assertThat(afterRevocation.stdout()).doesNotContain("Reused").doesNotContain("HTTP/1.1");
    assertThat(proxy.backend().received()).hasSize(1);
    awaitFailure("REVOKED");
  }

  private void start(List<Path> crls) throws Exception {
    proxy.start(config -> config.crls(crls));
  }

  /** CRLs from the intermediate (revoking {@code revoked}) and from the root (revoking nothing). */
  private void writeCrls(Path file, HeldCertificate... revoked) throws Exception {
    Files.writeString(
        file,
        Pem.encode(TestPki.crl(pki.intermediate(), revoked)) + Pem.encode(TestPki.crl(pki.root())));
  }

  /**
   * One request over TLS 1.3; {@code -sess_out} saves the session (its tickets), {@code -sess_in}
   * offers it.
   */
  private Command.Result sClient(HeldCertificate agent, String sessionOption) {
    Path[] files = TestPki.writeClientFiles(proxy.dir(), "agent", agent, pki.intermediate());
    return Command.run(
        List.of(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + proxy.port(),
            "-servername",
            "localhost",
            "-tls1_3",
            "-CAfile",
            proxy.serverFiles().rootCa().toString(),
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
    return (OpenSslSessionContext) proxy.server().servedTls().context().sessionContext();
  }

  /** The handshake failure is reported on the event loop, just after the client saw the close. */
  private void awaitFailure(String reason) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (proxy.server().metrics().handshakeFailures(reason) == 0
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(proxy.server().metrics().handshakeFailures(reason))
        .as("failures reported as " + reason)
        .isEqualTo(1);
  }
}
