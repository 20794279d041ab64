package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.json.JsonLayout;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The foundation, end to end: real TLS clients, the proxy, and a backend that records what it got.
 */
class ProxyIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private static final String EKCERT = JsonLayout.REGISTRAR.write(Map.of("ekcert", "abc"));

  private final TestPki pki = proxy.pki();
  private final HeldCertificate agent = pki.agent("d432fbb3-d2f1-4a97-9ef7-75bd81c00000").build();

  private URI start(ClientAuth clientAuth) throws Exception {
    proxy.start(config -> config.clientAuth(clientAuth));
    return proxy.uri("");
  }

  @Test
  void agentRequestReachesBackendAndResponseComesBackByteForByte() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    HttpResponse<String> response =
        proxy
            .client(pki.clientContext(agent, pki.intermediate()))
            .send(
                HttpRequest.newBuilder(base.resolve("/v2.1/agents/d432fbb3?verbose=1"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(EKCERT))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"code\": 200, \"status\": \"Success\", \"results\": {\"saw\": \"POST /v2.1/agents/d432fbb3\"}}");
    RecordingBackend.Received got = proxy.backend().last();
    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.target()).isEqualTo("/v2.1/agents/d432fbb3?verbose=1");
    assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(EKCERT);
    assertThat(got.header("content-type")).isEqualTo("application/json");
    assertThat(got.header("x-forwarded-proto")).isEqualTo("https");
    assertThat(got.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(got.header("x-forwarded-host")).isEqualTo("localhost:" + base.getPort());
    assertThat(got.header("x-forwarded-client-cert"))
        .isEqualTo(
            "Hash="
                + io.chainsight.core.certs.Certificates.sha256(agent.certificate())
                + ";Subject=\"CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000\""
                + ";DNS=d432fbb3-d2f1-4a97-9ef7-75bd81c00000.agents.keylime.test");
  }

  @Test
  void fiveMegabyteBodiesStreamBothWays() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    byte[] body = new byte[5 * 1024 * 1024];
    new Random(42).nextBytes(body);

    HttpResponse<byte[]> response =
        proxy
            .client(pki.clientContext(agent, pki.intermediate()))
            .send(
                HttpRequest.newBuilder(base.resolve("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(sha256(response.body())).isEqualTo(sha256(body));
    assertThat(sha256(proxy.backend().last().body())).isEqualTo(sha256(body));
  }

  @Test
  void noClientCertificateUnderRequireFailsTheHandshake() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    assertThatThrownBy(
            () ->
                proxy
                    .client(pki.clientContext(null))
                    .send(
                        HttpRequest.newBuilder(base.resolve("/version")).build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void certificateFromUnrelatedCaFailsTheHandshake() throws Exception {
    // curl, unlike the JDK client, sends its certificate whatever CA names the server asks for.
    URI base = start(ClientAuth.REQUIRE);
    Path[] files =
        TestPki.writeClientFiles(proxy.dir(), "stranger", TestPki.unrelatedAgent("stranger"));
    Command.Result curl =
        Command.curl(proxy.serverFiles().rootCa(), files, base.resolve("/version").toString());

    assertThat(curl.exitCode()).isNotZero();
    assertThat(curl.stderr())
        .containsAnyOf("alert unknown ca", "alert bad certificate", "unknown ca");
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void optionalForwardsClientWithoutCertificateWithoutIdentity() throws Exception {
    URI base = start(ClientAuth.OPTIONAL);
    HttpResponse<String> response =
        proxy
            .client(pki.clientContext(null))
            .send(
                HttpRequest.newBuilder(base.resolve("/version")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(proxy.backend().last().header("x-forwarded-client-cert")).isNull();
    assertThat(proxy.backend().last().header("x-forwarded-proto")).isEqualTo("https");
  }

  @Test
  void spoofedIdentityHeadersNeverReachTheBackend() throws Exception {
    URI base = start(ClientAuth.OPTIONAL);
    proxy
        .client(pki.clientContext(null))
        .send(
            HttpRequest.newBuilder(base.resolve("/version"))
                .header("X-Forwarded-Client-Cert", "Hash=00;Subject=\"CN=admin\"")
                .header("X-Forwarded-For", "10.0.0.1")
                .header("Forwarded", "for=10.0.0.1")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    RecordingBackend.Received got = proxy.backend().last();
    assertThat(got.header("x-forwarded-client-cert")).isNull();
    assertThat(got.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(got.header("forwarded")).isNull();
  }

  @Test
  void spoofedIdentityIsReplacedByTheVerifiedOneWithCurl() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    Command.Result curl =
        curlAsAgent(
            "-H",
            "X-Forwarded-Client-Cert: Hash=00;Subject=\"CN=admin\"",
            base.resolve("/version").toString());

    assertThat(curl.exitCode()).as(curl.stderr()).isZero();
    assertThat(curl.stdout()).contains("\"saw\": \"GET /version\"");
    assertThat(proxy.backend().last().header("x-forwarded-client-cert"))
        .startsWith("Hash=" + io.chainsight.core.certs.Certificates.sha256(agent.certificate()))
        .doesNotContain("CN=admin");
  }

  @Test
  void servesAllThreeCertificatesInOrder() throws Exception {
    URI base = start(ClientAuth.OPTIONAL);
    Command.Result sClient =
        Command.run(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + base.getPort(),
                "-servername",
                "localhost",
                "-showcerts",
                "-CAfile",
                proxy.serverFiles().rootCa().toString(),
                "-verify_return_error"),
            "Q\n",
            20);

    assertThat(sClient.stdout()).contains("Verify return code: 0 (ok)");
    Matcher subjects = Pattern.compile("(?m)^ *(\\d) s:(.*)$").matcher(sClient.stdout());
    StringBuilder order = new StringBuilder();
    while (subjects.find()) {
      order.append(subjects.group(1)).append(':').append(subjects.group(2)).append('\n');
    }
    assertThat(order.toString())
        .isEqualTo(
            "0:CN = registrar.keylime.test\n"
                + "1:O = chainsight tests, CN = test intermediate CA\n"
                + "2:O = chainsight tests, CN = test root CA\n");
    assertThat(sClient.stdout().split("-----BEGIN CERTIFICATE-----", -1)).hasSize(4);
  }

  @Test
  void backendDownGives502InTheRegistrarEnvelope() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    int deadPort = proxy.backend().port();
    proxy.backend().close();
    Command.Result curl = curlAsAgent("-w", "\n%{http_code}", base.resolve("/version").toString());

    assertThat(curl.stdout())
        .isEqualTo(
            "{\"code\": 502, \"status\": \"Bad Gateway: cannot connect to backend "
                + "127.0.0.1:"
                + deadPort
                + " (connection refused: nothing listens there; is the registrar running?)\", "
                + "\"results\": {}}\n\n502");
    assertThat(proxy.server().metrics().backendErrors("connect")).isEqualTo(1);
  }

  @Test
  void keepAliveReusesOneBackendConnection() throws Exception {
    URI base = start(ClientAuth.REQUIRE);
    HttpClient client = proxy.client(pki.clientContext(agent, pki.intermediate()));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(base.resolve("/version?i=" + i)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
    assertThat(proxy.backend().received()).hasSize(5);
    assertThat(
            proxy.backend().received().stream()
                .map(RecordingBackend.Received::remotePort)
                .distinct())
        .hasSize(1);
  }

  @Test
  void accessLogNamesTheClientTheRequestAndTheStatus() throws Exception {
    proxy.start(config -> config.accessLog(true));
    try (io.chainsight.core.testing.LogCapture log =
        new io.chainsight.core.testing.LogCapture(AccessLog.LOGGER)) {
      proxy
          .client(pki.clientContext(agent, pki.intermediate()))
          .send(
              HttpRequest.newBuilder(proxy.uri("/bytes/1234?x=1")).build(),
              HttpResponse.BodyHandlers.ofString());
      java.util.Map<String, Object> event = log.await("event", "access", Duration.ofSeconds(5));
      assertThat(event)
          .containsEntry("method", "GET")
          .containsEntry("path", "/bytes/1234?x=1")
          .containsEntry("status", 200)
          .containsEntry("bytes", 1234L)
          .containsEntry("client_subject", "CN=d432fbb3-d2f1-4a97-9ef7-75bd81c00000")
          .containsEntry(
              "client_sha256", io.chainsight.core.certs.Certificates.sha256(agent.certificate()));
    }
  }

  /** curl trusting the proxy's root and presenting the agent's certificate. */
  private Command.Result curlAsAgent(String... arguments) {
    Path[] files = TestPki.writeClientFiles(proxy.dir(), "agent", agent, pki.intermediate());
    return Command.curl(proxy.serverFiles().rootCa(), files, arguments);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
