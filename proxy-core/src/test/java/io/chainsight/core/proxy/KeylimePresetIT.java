package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Pem;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.RecordingBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/keylime-registrar.conf as shipped (only its ports moved to free ones), in front of
 * stand-ins for the registrar's two faces, driven with curl and the example certificates.
 */
class KeylimePresetIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path CERTS = REPO.resolve("certs-example");

  @TempDir Path dir;

  private RecordingBackend plain;
  private RecordingBackend tls;
  private ChainsightServer proxy;
  private String base;

  @BeforeEach
  void start() throws Exception {
    plain = RecordingBackend.start();
    tls = RecordingBackend.startTls(registrarContext(), true);
    String preset =
        Files.readString(REPO.resolve("config/keylime-registrar.conf"))
            .replace("127.0.0.1:8890", "127.0.0.1:" + plain.port())
            .replace("127.0.0.1:8891", "127.0.0.1:" + tls.port())
            .replace("../certs-example/", CERTS + "/");
    Path conf = Files.writeString(dir.resolve("keylime-registrar.conf"), preset);
    proxy =
        ChainsightServer.start(
            ConfigLoader.loadEffective(
                Optional.of(conf),
                Map.of(),
                Map.of("listen.host", "127.0.0.1", "listen.port", "0", "admin.enabled", "false")));
    base = "https://localhost:" + proxy.tlsAddress().getPort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    plain.close();
    tls.close();
  }

  /**
   * The registrar's 8891 face with the example registrar certificate, requiring a client
   * certificate.
   */
  private static SSLContext registrarContext() throws Exception {
    List<X509Certificate> chain = Pem.readCertificates(CERTS.resolve("registrar-chain.pem"));
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(
                new PKCS8EncodedKeySpec(
                    Pem.readPrivateKey(CERTS.resolve("registrar-key.pem")).getEncoded()));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("registrar", key, "pw".toCharArray(), chain.toArray(X509Certificate[]::new));
    store.setCertificateEntry("root", Pem.readCertificates(CERTS.resolve("root-ca.pem")).get(0));
    KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
    keys.init(store, "pw".toCharArray());
    javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private Command.Result curl(String who, String... request) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "-w",
                "\n%{http_code}",
                "--cacert",
                CERTS.resolve("agent-ca.pem").toString()));
    if (who != null) {
      command.addAll(
          List.of(
              "--cert",
              CERTS.resolve(who + "-cert.pem").toString(),
              "--key",
              CERTS.resolve(who + "-key.pem").toString()));
    }
    command.addAll(List.of(request));
    return Command.run(command, null, 20);
  }

  @Test
  void stockAgentWithoutCertificateRegistersOverPlainHttpBackend() {
    Command.Result result =
        curl(
            null,
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            "{}",
            base + "/v2.1/agents/d432fbb3-d2f1-4a97-9ef7-75bd81c00000");
    assertThat(result.stdout()).endsWith("\n200");
    assertThat(plain.last().method()).isEqualTo("POST");
    assertThat(plain.last().header("x-forwarded-client-cert")).isNull();
    assertThat(tls.received()).isEmpty();
  }

  @Test
  void stockAgentChecksV3SupportAndActivatesWithPutOverThePlainHttpBackend() {
    Command.Result check = curl(null, base + "/v3.0/");
    assertThat(check.stdout()).as(check.stderr()).endsWith("\n200");
    assertThat(plain.last().method()).isEqualTo("GET");
    assertThat(plain.last().target()).isEqualTo("/v3.0/");

    Command.Result activate =
        curl(
            null,
            "-X",
            "PUT",
            "-d",
            "",
            base + "/v2.1/agents/d432fbb3-d2f1-4a97-9ef7-75bd81c00000");
    assertThat(activate.stdout()).as(activate.stderr()).endsWith("\n200");
    assertThat(plain.last().method()).isEqualTo("PUT");
    assertThat(plain.last().target())
        .isEqualTo("/v2.1/agents/d432fbb3-d2f1-4a97-9ef7-75bd81c00000");
    assertThat(tls.received()).isEmpty();
  }

  @Test
  void tenantListsAgentsThroughTheRegistrarsTlsPortAsChainsight() {
    Command.Result result = curl("tenant", base + "/v2.1/agents");
    assertThat(result.stdout()).as(result.stderr()).endsWith("\n200");
    assertThat(tls.last().clientCertificateSubject()).contains("CN=chainsight");
    assertThat(tls.last().header("x-forwarded-client-cert")).contains("CN=keylime-tenant");
  }

  @Test
  void agentCertificateIsNotAllowedOnTenantRoutes() {
    assertThat(curl("agent", base + "/v2.1/agents").stdout())
        .contains("NOT_AUTHORIZED")
        .endsWith("\n403");
    assertThat(curl(null, "-X", "DELETE", base + "/v2.1/agents/d432fbb3").stdout())
        .contains("NO_CLIENT_CERTIFICATE")
        .endsWith("\n401");
    assertThat(tls.received()).isEmpty();
  }
}
