package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.testing.ProxyFixture;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsRecordPeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * What a third-party TLS conformance suite (tlsfuzzer) found wanting (issue 13), replayed over real
 * sockets with raw records: a fatal alert closes the connection at once, on every hop.
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
    agent = pki.agent("agent-1");
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
            ProxyFixture.config(pki.writeServerFiles(dir), backend.port(), clientAuth));
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
    HeldCertificate registrar =
        HeldCertificate.builder()
            .commonName("registrar 8891")
            .signedBy(pki.intermediate())
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("127.0.0.1")
            .build();
    HeldCertificate proxyClient =
        HeldCertificate.builder()
            .commonName("chainsight-proxy")
            .signedBy(pki.intermediate())
            .purpose(Purpose.CLIENT_AUTH)
            .build();
    Path[] clientFiles =
        TestPki.writeClientFiles(dir, "proxy-client", proxyClient, pki.intermediate());
    Path backendCa = Files.writeString(dir.resolve("backend-ca.pem"), pki.root().certificatePem());
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ChainsightConfig base = ProxyFixture.config(pki.writeServerFiles(dir), 1, ClientAuth.REQUIRE);
      RouteSettings route =
          new RouteSettings(
              "/version",
              Set.of(),
              Optional.of(URI.create("https://127.0.0.1:" + listener.getLocalPort())),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.of(
                  new BackendTlsSettings(
                      Optional.of(clientFiles[0]),
                      Optional.of(clientFiles[1]),
                      backendCa,
                      Optional.empty())));
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
}
