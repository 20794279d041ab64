package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.testing.Eventually;
import io.chainsight.core.testing.KubeletVolume;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RequestLoad;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsSecret;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server certificate rotates the way it does in a pod: cert-manager renews the Secret, kubelet
 * writes it into the volume with its atomic writer (a new {@code ..YYYY_MM_DD...} directory, the
 * {@code ..data} symlink swapped, the old directory removed), and chainsight reads {@code tls.crt}
 * and {@code tls.key} through the visible symlinks. Under a load of keep-alive requests and of new
 * connections, the new certificate is served within 2 s and no request fails; an update whose key
 * does not match its certificate is refused and reported, and the old certificate keeps serving.
 */
class KubeletSecretSwapIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final Duration WITHIN = Duration.ofSeconds(2);

  private final TestPki pki = proxy.pki();
  private final HeldCertificate agent = proxy.agent();
  private final Path dir = proxy.dir();

  private KubeletVolume serverTls;
  private RequestLoad keepAlive;
  private RequestLoad fresh;

  @BeforeEach
  void start() throws Exception {
    // The layout of deploy/kubernetes: the server Secret (cert-manager: tls.crt is leaf +
    // intermediate, ca.crt the root) and the agents' CA bundle, each a volume of its own.
    serverTls = KubeletVolume.create(dir.resolve("tls"), TlsSecret.of(leaf(0), pki));
    KubeletVolume clientCa =
        KubeletVolume.create(
            dir.resolve("client-ca"),
            Map.of("ca.crt", pki.intermediate().certificatePem() + pki.root().certificatePem()));
    proxy.start(
        config ->
            config
                .certificate(serverTls.file("tls.crt"), serverTls.file("tls.key"))
                .trustedCas(clientCa.file("ca.crt"))
                .admin(new AdminSettings(true, "127.0.0.1", 0, Optional.empty())));
    // Two clients that never pause: one on a keep-alive connection (JDK HttpClient), one that opens
    // a new connection, with a full handshake, for every request.
    keepAlive = RequestLoad.keepAlive("load-keep-alive", proxy.client(), proxy.uri("/version"));
    fresh = RequestLoad.start("load-new-connections", this::getOnANewConnection);
  }

  @AfterEach
  void stop() throws Exception {
    // Before the extension closes the proxy under it.
    stopLoad();
  }

  private void stopLoad() throws InterruptedException {
    if (keepAlive != null) {
      keepAlive.stop();
    }
    if (fresh != null) {
      fresh.stop();
    }
  }

  @Test
  void renewedSecretsAreServedWithinTwoSecondsWithoutAFailedRequest() throws Exception {
    for (int renewal = 1; renewal <= 8; renewal++) {
      HeldCertificate next = leaf(renewal);
      serverTls.update(TlsSecret.of(next, pki));

      assertThat(serverTls.timestampedDirectories())
          .as("kubelet removed the old directory")
          .hasSize(1);
      awaitServedSerial(next.certificate().getSerialNumber(), "renewal " + renewal);
    }
    stopLoad();

    assertThat(keepAlive.failure()).as("a request failed while the Secret changed").isNull();
    assertThat(fresh.failure()).as("a request failed while the Secret changed").isNull();
    assertThat(keepAlive.answered()).as("keep-alive requests answered 200").isGreaterThan(8);
    assertThat(fresh.answered()).as("requests on new connections answered 200").isGreaterThan(8);
    assertThat(counter("changed")).isEqualTo(8);
    assertThat(counter("failed")).isZero();
  }

  @Test
  void anUpdateWhoseKeyDoesNotMatchIsRefusedReportedAndTheOldCertificateKeepsServing()
      throws Exception {
    BigInteger first = leaf(0).certificate().getSerialNumber();
    HeldCertificate renewed = leaf(1);
    HeldCertificate other = leaf(2);
    try (LogCapture log = new LogCapture(ChainsightServer.class.getName())) {
      // tls.crt renewed, tls.key from another certificate: a Secret edited by hand, half right.
      serverTls.update(TlsSecret.withKeyOf(renewed, other, pki));

      ILoggingEvent refused = log.awaitMessage("refused", WITHIN);
      assertThat(refused.getLevel()).isEqualTo(Level.WARN);
      assertThat(refused.getFormattedMessage())
          .startsWith("reload (files changed) refused, still serving")
          .contains("tls.private-key")
          .contains("does not match");
    }
    assertThat(counter("failed")).isEqualTo(1);
    assertThat(servedSerial()).isEqualTo(first);
    assertThat(readyz())
        .as("/readyz stays 200 (the old certificate is valid) and says the update was refused")
        .startsWith("ready\n")
        .contains("WARNING: the last reload was refused")
        .contains("does not match");

    // The next, correct renewal is taken: the refusal did not stop the watching.
    serverTls.update(TlsSecret.of(renewed, pki));
    awaitServedSerial(renewed.certificate().getSerialNumber(), "the corrected Secret");
    stopLoad();
    assertThat(keepAlive.failure()).as("a request failed while the Secret changed").isNull();
    assertThat(fresh.failure()).as("a request failed while the Secret changed").isNull();
    assertThat(readyz()).doesNotContain("WARNING");
  }

  private HeldCertificate leaf(int generation) {
    return HeldCertificate.builder()
        .commonName("registrar.keylime.test")
        .signedBy(pki.intermediate())
        .purpose(Purpose.SERVER_AUTH)
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1")
        .serial(BigInteger.valueOf(7000 + generation))
        .build();
  }

  private long counter(String result) {
    return proxy
        .server()
        .metrics()
        .registry()
        .counter("chainsight_reloads_total.result." + result)
        .getCount();
  }

  private String readyz() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + proxy.server().adminAddress().orElseThrow().getPort()
                                + "/readyz?format=text"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private void awaitServedSerial(BigInteger expected, String what) throws Exception {
    Eventually.observes(expected, WITHIN, what + ", the serial served", this::servedSerial);
  }

  private BigInteger servedSerial() throws Exception {
    try (SSLSocket socket = connect()) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private SSLSocket connect() throws Exception {
    SSLContext context = proxy.agentContext();
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("localhost", proxy.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** GET /version on a new connection, with a full handshake; any answer but 200 fails. */
  private void getOnANewConnection() throws Exception {
    try (SSLSocket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      if (status == null || !status.startsWith("HTTP/1.1 200 ")) {
        throw new AssertionError("request on a new connection answered " + status);
      }
    }
  }
}
