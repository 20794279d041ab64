package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.diagnose.Failure;
import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.diagnose.TlsAlert;
import io.chainsight.core.report.HandshakeFailure;
import io.chainsight.core.testing.ClientHelloMutations;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsRecordPeer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a third-party TLS conformance suite (tlsfuzzer) found wanting (issue 13), replayed over real
 * sockets with raw records: a fatal alert closes the connection at once, on every hop; a malformed
 * record gets an alert, not a silent close; and a handshake the server refused is reported as
 * refused, with the alert sent and the reason, not as "the peer closed".
 */
class ConformanceIT {
  /** Far below the idle and response timeouts (60 s), which a connection left open waits for. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private static final byte[] GET_VERSION =
      "GET /version HTTP/1.1\r\nHost: registrar\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private static TestPki pki;
  private static HeldCertificate agent;

  @TempDir Path dir;

  private RecordingBackend backend;
  private ChainsightServer proxy;

  @BeforeAll
  static void pki() {
    pki = TestPki.create();
    agent = pki.agent("agent-1").build();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  /**
   * After a request was served, a record BoringSSL refuses: one longer than any legal record (2^14
   * + 2048 bytes of ciphertext) gets record_overflow, one that does not decrypt gets bad_record_mac
   * (the path a record whose plaintext is over 2^14 takes too: it is refused after decryption, and
   * only a hand-encrypted record can carry one). Either way the connection must close right after
   * the alert, under both client-auth modes that verify certificates.
   */
  @ParameterizedTest(name = "{0} {1}: {2}-byte record gets {3}")
  @CsvSource({
    "REQUIRE,  TLSv1.3, 18433, record_overflow",
    "REQUIRE,  TLSv1.3, 16484, bad_record_mac",
    "OPTIONAL, TLSv1.3,   100, bad_record_mac",
    "REQUIRE,  TLSv1.2,   100, bad_record_mac",
    "OPTIONAL, TLSv1.2, 18433, record_overflow"
  })
  void fatalAlertAfterTheHandshakeClosesTheConnectionAtOnce(
      ClientAuth clientAuth, String protocol, int length, String alert) throws Exception {
    backend = RecordingBackend.start();
    proxy =
        ChainsightServer.start(
            TestConfig.config(pki.writeServerFiles(dir), backend.port(), clientAuth));
    try (TlsRecordPeer client =
        TlsRecordPeer.connect(
            pki.clientContext(agent, pki.intermediate()), proxy.tlsAddress().getPort(), protocol)) {
      assertThat(client.protocol()).isEqualTo(protocol);
      assertThat(client.send(GET_VERSION).awaitPlaintext("\r\n\r\n")).startsWith("HTTP/1.1 200 ");

      client.sendRawRecord(0x17, new byte[length]);

      assertThat(client.awaitClose(PROMPTLY).alert()).endsWith("fatal alert: " + alert);
    }
  }

  /**
   * The backend hop: an https backend that answers a request with a record that does not decrypt
   * gets bad_record_mac from the proxy, its connection closes at once, and the client gets a 502 at
   * once instead of a 504 after backend.response-timeout.
   */
  @Test
  void fatalAlertToAnHttpsBackendClosesItsConnectionAndAnswers502AtOnce() throws Exception {
    HeldCertificate registrar = pki.registrarTlsPort().build();
    HeldCertificate proxyClient = pki.proxyClient().build();
    Path[] clientFiles =
        TestPki.writeClientFiles(dir, "proxy-client", proxyClient, pki.intermediate());
    Path backendCa = Files.writeString(dir.resolve("backend-ca.pem"), pki.root().certificatePem());
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ChainsightConfig base = TestConfig.config(pki.writeServerFiles(dir), 1, ClientAuth.REQUIRE);
      RouteSettings route =
          TestConfig.httpsRoute(
              "/version", Set.of(), listener.getLocalPort(), clientFiles, backendCa);
      proxy =
          ChainsightServer.start(
              new ChainsightConfig(
                  base.listen(),
                  base.tls(),
                  base.backend(),
                  base.limits(),
                  base.shutdown(),
                  base.admin(),
                  base.diagnostics(),
                  base.log(),
                  List.of(),
                  List.of(route),
                  Optional.empty()));
      CompletableFuture<TlsRecordPeer.Ending> backendSide =
          CompletableFuture.supplyAsync(
              () -> {
                try (TlsRecordPeer peer =
                    TlsRecordPeer.accept(
                        pki.serverContext(registrar, pki.intermediate()), listener)) {
                  peer.awaitPlaintext("\r\n\r\n");
                  peer.sendRawRecord(0x17, new byte[100]);
                  return peer.awaitClose(PROMPTLY);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long start = System.nanoTime();
      try (RawTlsClient client =
          RawTlsClient.connect(
              pki.clientContext(agent, pki.intermediate()), proxy.tlsAddress().getPort())) {
        client.setTimeoutMillis((int) PROMPTLY.toMillis());
        String response =
            client
                .send("GET /version HTTP/1.1\r\nHost: registrar\r\nConnection: close\r\n\r\n")
                .readUntilClosed();
        assertThat(response)
            .startsWith("HTTP/1.1 502 ")
            .contains("127.0.0.1:" + listener.getLocalPort());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
      assertThat(backendSide.get(PROMPTLY.toSeconds() * 2, TimeUnit.SECONDS).alert())
          .endsWith("fatal alert: bad_record_mac");
    }
  }

  private int start(ClientAuth clientAuth) throws Exception {
    backend = RecordingBackend.start();
    proxy =
        ChainsightServer.start(
            TestConfig.config(pki.writeServerFiles(dir), backend.port(), clientAuth));
    return proxy.tlsAddress().getPort();
  }

  /**
   * Sends {@code opening} on a fresh connection; returns every byte the proxy sent until it closed.
   */
  private static byte[] exchange(int port, byte[] opening) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) PROMPTLY.toMillis());
      socket.getOutputStream().write(opening);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = socket.getInputStream().read(buffer)) != -1) {
          received.write(buffer, 0, n);
        }
      } catch (SocketException e) {
        // A reset after the alert (the proxy closed with our bytes unread): closed all the same.
      }
      return received.toByteArray();
    }
  }

  /** The only failure reported so far, once it is there. */
  private HandshakeFailure reported() throws InterruptedException {
    long deadline = System.nanoTime() + PROMPTLY.toNanos();
    while (proxy.failures().recent().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(proxy.failures().recent()).hasSize(1);
    return proxy.failures().recent().get(0);
  }

  private static byte[] alert(int recordVersionMinor, TlsAlert alert) {
    return new byte[] {0x15, 3, (byte) recordVersionMinor, 0, 2, 2, (byte) alert.code()};
  }

  private byte[] clientHello() {
    return ClientHelloMutations.clientHello(
        pki.clientContext(agent, pki.intermediate()), "TLSv1.3", "TLSv1.2");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"before the ClientHello", "after the ClientHello"})
  void zeroLengthHandshakeRecordGetsUnexpectedMessage(String where) throws Exception {
    int port = start(ClientAuth.REQUIRE);
    byte[] empty = {0x16, 3, 3, 0, 0};
    byte[] opening =
        where.startsWith("before") ? concat(empty, clientHello()) : concat(clientHello(), empty);

    assertThat(exchange(port, opening)).endsWith(alert(1, TlsAlert.UNEXPECTED_MESSAGE));

    Failure failure = reported().diagnosis().failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(ReasonCode.MALFORMED_HANDSHAKE);
    assertThat(failure.alert()).contains(TlsAlert.UNEXPECTED_MESSAGE);
    assertThat(failure.explanation())
        .contains("zero-length handshake record")
        .contains("answered with the fatal alert unexpected_message");
  }

  /**
   * An SSLv2-format ClientHello reaches BoringSSL, which refuses it (it can offer no key-exchange
   * group) with handshake_failure; the report says so instead of NOT_TLS.
   */
  @Test
  void sslv2FormatClientHelloIsJudgedByBoringSsl() throws Exception {
    int port = start(ClientAuth.REQUIRE);
    byte[] ssl2Hello =
        HexFormat.of()
            .parseHex(
                "8035" // 2-byte header, 53 bytes
                    + "01" // CLIENT-HELLO
                    + "0303" // TLS 1.2
                    + "000c" // cipher specs: 4 x 3 bytes
                    + "0000" // no session id
                    + "0020" // 32-byte challenge
                    + "00c02f00c03000c02b00c02c"
                    + "11".repeat(32));

    assertThat(exchange(port, ssl2Hello)).endsWith(alert(3, TlsAlert.HANDSHAKE_FAILURE));

    Failure failure = reported().diagnosis().failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(ReasonCode.NO_SHARED_CIPHER);
    assertThat(failure.alert()).contains(TlsAlert.HANDSHAKE_FAILURE);
    assertThat(failure.explanation())
        .contains("the client offered the groups none (no supported_groups extension)")
        .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        .contains("answered with the fatal alert handshake_failure");
  }

  /**
   * A ClientHello one byte over BoringSSL's 16 KiB limit (client-auth none) gets illegal_parameter,
   * and the report gives its size and the limit.
   */
  @Test
  void oversizedClientHelloIsReportedAsRefusedWithItsSizeAndTheLimit() throws Exception {
    int port = start(ClientAuth.NONE);

    assertThat(exchange(port, ClientHelloMutations.padded(clientHello(), 16_385)))
        .endsWith(alert(1, TlsAlert.ILLEGAL_PARAMETER));

    Failure failure = reported().diagnosis().failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(ReasonCode.HANDSHAKE_MESSAGE_TOO_LARGE);
    assertThat(failure.alert()).contains(TlsAlert.ILLEGAL_PARAMETER);
    assertThat(failure.explanation())
        .contains("ClientHello is 16,385 bytes, over the 16,384 bytes")
        .contains("tls.client-auth = none")
        .contains("answered with the fatal alert illegal_parameter");
  }

  @Test
  void clientHelloOneByteUnderTheLimitIsAnsweredWithAServerHello() throws Exception {
    int port = start(ClientAuth.NONE);
    byte[] answer = exchangeAndHangUp(port, ClientHelloMutations.padded(clientHello(), 16_384));
    assertThat(answer[0]).as("first record type").isEqualTo((byte) 0x16);
  }

  /** Reads the first bytes of the answer, then leaves. */
  private static byte[] exchangeAndHangUp(int port, byte[] opening) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) PROMPTLY.toMillis());
      socket.getOutputStream().write(opening);
      return socket.getInputStream().readNBytes(5);
    }
  }

  @Test
  void versionTheProxyRefusesIsReportedWithWhatWasOfferedAndWhatIsAccepted() throws Exception {
    int port = start(ClientAuth.REQUIRE);
    Command.run(
        List.of(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-tls1_1",
            "-cipher",
            "DEFAULT@SECLEVEL=0"),
        "",
        20);

    Failure failure = reported().diagnosis().failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(ReasonCode.PROTOCOL_MISMATCH);
    assertThat(failure.alert()).contains(TlsAlert.PROTOCOL_VERSION);
    assertThat(failure.explanation())
        .contains("the client offered TLSv1.1")
        .contains("this proxy accepts TLSv1.3, TLSv1.2")
        .contains("answered with the fatal alert protocol_version");
  }

  @Test
  void groupTheProxyRefusesIsReportedWithWhatWasOfferedAndWhatIsAccepted() throws Exception {
    int port = start(ClientAuth.REQUIRE);
    Command.run(
        List.of(
            "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3", "-groups", "P-521"),
        "",
        20);

    Failure failure = reported().diagnosis().failure().orElseThrow();
    assertThat(failure.reason()).isEqualTo(ReasonCode.NO_SHARED_CIPHER);
    assertThat(failure.explanation())
        .contains("the client offered the groups P-521")
        .contains("this proxy accepts the groups X25519, P-256, P-384")
        .contains("answered with the fatal alert");
  }

  /**
   * A request line over limits.max-request-line (8 KiB by default) is answered 414 as soon as it is
   * over, whether its end has arrived or not, not 408 once limits.request-header-timeout (10 s) ran
   * out for a head that never completes.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"line ended, head incomplete", "line not ended"})
  void requestLineOverTheLimitIs414AtOnce(String shape) throws Exception {
    int port = start(ClientAuth.REQUIRE);
    String line = "GET /" + "a".repeat(9000) + " HTTP/1.1";
    String partial = shape.startsWith("line ended") ? line + "\r\nHost: registrar\r\n" : line;
    try (RawTlsClient client =
        RawTlsClient.connect(pki.clientContext(agent, pki.intermediate()), port)) {
      client.setTimeoutMillis((int) PROMPTLY.toMillis());
      assertThat(client.send(partial).readUntilClosed())
          .startsWith("HTTP/1.1 414 ")
          .contains("limits.max-request-line");
    }
    assertThat(backend.received()).isEmpty();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
