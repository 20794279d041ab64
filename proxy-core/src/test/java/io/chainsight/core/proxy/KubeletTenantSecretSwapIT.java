package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.testing.Eventually;
import io.chainsight.core.testing.KubeletVolume;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.RequestLoad;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenant hop's client certificate rotates the way it does in deploy/kubernetes: cert-manager
 * renews the Secret chainsight-registrar-client, kubelet swaps its {@code ..data} symlink, and the
 * registrar's TLS port (here a TLS backend that requires a client certificate and records its
 * subject) sees the new certificate within 2 s, while a tenant's requests keep being answered; a
 * Secret whose key does not match its certificate is refused and reported, and the old certificate
 * keeps being presented. The configuration is a file, as the ConfigMap is, naming the Secret's
 * files through the volume's visible symlinks.
 */
class KubeletTenantSecretSwapIT {
  private static final Duration WITHIN = Duration.ofSeconds(2);

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private final TestPki pki = proxy.pki();
  private final Path dir = proxy.dir();

  private RecordingBackend registrar;
  private KubeletVolume registrarClient;
  private RequestLoad tenant;

  @BeforeEach
  void start() throws Exception {
    // The registrar's TLS port: its certificate (IP:127.0.0.1) from the same PKI, client
    // certificates
    // required and checked against the root.
    registrar =
        proxy.closeAfter(
            RecordingBackend.startTls(pki.serverContext(pki.server(), pki.intermediate()), true));
    registrarClient =
        KubeletVolume.create(dir.resolve("registrar-client"), TlsSecret.of(client(0), pki));
    TestPki.ServerFiles files = proxy.serverFiles();
    Path conf =
        Files.writeString(
            dir.resolve("chainsight.conf"),
            """
            chainsight {
              listen { host = "127.0.0.1", port = 0 }
              tls { certificate-chain = "%s", private-key = "%s", trusted-cas = "%s" }
              admin { port = 0 }
              backend.url = "http://127.0.0.1:%d"
              routes = [
                { path-prefix = "/v*/agents", methods = [GET], backend = "https://127.0.0.1:%d"
                  tls {
                    certificate-chain = "registrar-client/tls.crt"
                    private-key = "registrar-client/tls.key"
                    trusted-cas = "registrar-client/ca.crt"
                  }
                }
              ]
            }
            """
                .formatted(
                    files.chain(),
                    files.key(),
                    files.trustedCas(),
                    proxy.backend().port(),
                    registrar.port()));
    proxy.start(ConfigSource.of(Optional.of(conf), Map.of(), Map.of()));
    // A tenant listing the agents over one keep-alive connection, without pause.
    tenant = RequestLoad.keepAlive("load-tenant", proxy.client(), proxy.uri("/v2.5/agents"));
  }

  @AfterEach
  void stopLoad() throws InterruptedException {
    tenant.stop();
  }

  @Test
  void renewedClientCertificatesReachTheRegistrarWithinTwoSecondsWithoutAFailedRequest()
      throws Exception {
    awaitPresented("CN=chainsight-proxy-0", "the first certificate");
    for (int renewal = 1; renewal <= 4; renewal++) {
      registrarClient.update(TlsSecret.of(client(renewal), pki));

      assertThat(registrarClient.timestampedDirectories()).hasSize(1);
      awaitPresented("CN=chainsight-proxy-" + renewal, "renewal " + renewal);
    }
    tenant.stop();

    assertThat(tenant.failure()).as("a tenant request failed while the Secret changed").isNull();
    assertThat(tenant.answered()).isGreaterThan(4);
  }

  @Test
  void aSecretWhoseKeyDoesNotMatchIsRefusedAndTheOldCertificateKeepsBeingPresented()
      throws Exception {
    awaitPresented("CN=chainsight-proxy-0", "the first certificate");
    try (LogCapture log = new LogCapture("io.chainsight.core.proxy")) {
      registrarClient.update(TlsSecret.withKeyOf(client(1), client(2), pki));

      ILoggingEvent refused = log.awaitMessage("refused", WITHIN);
      assertThat(refused.getLevel()).isEqualTo(Level.WARN);
      assertThat(refused.getFormattedMessage())
          .startsWith("reload (files changed) refused")
          .contains("routes[0].tls")
          .contains("does not match");
    }
    int before = registrar.received().size();
    awaitRequests(before + 3);
    List<RecordingBackend.Received> after =
        registrar.received().subList(before, registrar.received().size());
    assertThat(after)
        .as("requests after the refusal still carry the old client certificate")
        .allSatisfy(
            r -> assertThat(r.clientCertificateSubject()).isEqualTo("CN=chainsight-proxy-0"));
    assertThat(
            proxy
                .server()
                .metrics()
                .registry()
                .counter("chainsight_reloads_total.result.failed")
                .getCount())
        .isEqualTo(1);

    // The corrected Secret is taken: the refusal did not stop the watching.
    registrarClient.update(TlsSecret.of(client(3), pki));
    awaitPresented("CN=chainsight-proxy-3", "the corrected Secret");
    tenant.stop();
    assertThat(tenant.failure()).as("a tenant request failed while the Secret changed").isNull();
  }

  private HeldCertificate client(int generation) {
    return HeldCertificate.builder()
        .commonName("chainsight-proxy-" + generation)
        .signedBy(pki.intermediate())
        .purpose(Purpose.CLIENT_AUTH)
        .build();
  }

  private void awaitPresented(String subject, String what) throws Exception {
    Eventually.observes(
        subject, WITHIN, what + ", the subject the registrar saw last", this::lastPresented);
  }

  private String lastPresented() {
    List<RecordingBackend.Received> received = registrar.received();
    return received.isEmpty() ? null : received.get(received.size() - 1).clientCertificateSubject();
  }

  private void awaitRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (registrar.received().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(registrar.received()).hasSizeGreaterThanOrEqualTo(count);
  }
}
