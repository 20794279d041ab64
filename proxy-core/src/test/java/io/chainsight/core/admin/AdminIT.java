package io.chainsight.core.admin;

import static io.chainsight.core.admin.TestJson.list;
import static io.chainsight.core.admin.TestJson.object;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The admin endpoint of a running proxy, through real HTTP requests. */
class AdminIT {
  private static final AdminFixture pki = new AdminFixture();

  @RegisterExtension final ProxyExtension proxy = new ProxyExtension(pki.pki);

  private TestPki.ServerFiles files;

  private void start(AdminSettings admin) throws Exception {
    files = proxy.serverFiles();
    proxy.start(config -> config.admin(admin));
  }

  private void start() throws Exception {
    start(AdminFixture.loopbackAdmin(Optional.empty()));
  }

  private URI admin(String pathAndQuery) {
    return URI.create(
        "http://127.0.0.1:" + proxy.server().adminAddress().orElseThrow().getPort() + pathAndQuery);
  }

  private HttpResponse<String> get(String pathAndQuery) {
    return pki.send(admin(pathAndQuery), "GET", null);
  }

  private static Map<String, Object> json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    return TestJson.parse(response.body());
  }

  /**
   * One connection without a client certificate (the JDK HttpClient would retry and fail twice).
   */
  private void failOneHandshakeWithoutACertificate() throws IOException {
    try (SSLSocket socket =
        (SSLSocket)
            pki.clientContext(null).getSocketFactory().createSocket("localhost", proxy.port())) {
      socket.setSoTimeout(5_000);
      assertThatThrownBy(
              () -> {
                socket.startHandshake();
                socket
                    .getOutputStream()
                    .write("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
                if (socket.getInputStream().read() == -1) {
                  throw new IOException("closed without an answer");
                }
              })
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void healthzAnswersInBothFormats() throws Exception {
    start();

    HttpResponse<String> asJson = get("/healthz");
    HttpResponse<String> asText = get("/healthz?format=text");

    assertThat(asJson.statusCode()).isEqualTo(200);
    assertThat(json(asJson)).containsEntry("status", "alive");
    assertThat(asText.statusCode()).isEqualTo(200);
    assertThat(asText.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(asText.body()).isEqualTo("alive\n");
  }

  @Test
  void readyzTurns503WhenTheBackendStopsAnd200WhenSomethingListensOnItsPortAgain()
      throws Exception {
    start();
    int port = proxy.backend().port();
    AdminFixture.await(
        "/readyz 200", Duration.ofSeconds(10), () -> get("/readyz").statusCode() == 200);
    Map<String, Object> ready = json(get("/readyz"));
    assertThat(ready).containsEntry("status", "ready").containsEntry("failed", List.of());
    assertThat(list(ready.get("checks")))
        .extracting(c -> object(c).get("check"))
        .containsExactly("serving", "tls-listener", "certificate", "backend", "reload");

    proxy.backend().close();
    AdminFixture.await(
        "/readyz 503", Duration.ofSeconds(10), () -> get("/readyz").statusCode() == 503);
    Map<String, Object> notReady = json(get("/readyz"));
    assertThat(notReady).containsEntry("status", "not ready");
    assertThat(list(notReady.get("failed")))
        .singleElement()
        .asString()
        .startsWith("backend 127.0.0.1:" + port + " does not accept TCP connections: ");
    HttpResponse<String> text = get("/readyz?format=text");
    assertThat(text.statusCode()).isEqualTo(503);
    assertThat(text.body())
        .startsWith("not ready\n")
        .contains("  ok   tls-listener  TLS listener bound on 127.0.0.1:" + proxy.port())
        .contains(
            "  FAIL backend       backend 127.0.0.1:" + port + " does not accept TCP connections");

    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      AdminFixture.await(
          "/readyz 200 again", Duration.ofSeconds(10), () -> get("/readyz").statusCode() == 200);
    }
  }

  @Test
  void metricsAreValidPrometheusTextAndCountAFailedHandshakeByReason() throws Exception {
    start();
    Map<String, String> noCertificate =
        Map.of("hop", "listener", "reason", "NO_CLIENT_CERTIFICATE");
    PrometheusText before = PrometheusText.parse(get("/metrics").body());
    double failuresBefore =
        before.value("chainsight_handshake_failures_total", noCertificate).orElse(0.0);

    failOneHandshakeWithoutACertificate();

    AdminFixture.await(
        "the NO_CLIENT_CERTIFICATE counter to go up",
        Duration.ofSeconds(5),
        () ->
            PrometheusText.parse(get("/metrics").body())
                    .value("chainsight_handshake_failures_total", noCertificate)
                    .orElse(0.0)
                == failuresBefore + 1);
    HttpResponse<String> response = get("/metrics");
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText after = PrometheusText.parse(response.body());
    assertThat(after.family("chainsight_handshake_failures_total").type()).isEqualTo("counter");
    assertThat(after.family("chainsight_handshake_failures_total").help())
        .isEqualTo(
            "Failed TLS handshakes, by hop (listener, backend) and diagnostics reason code.");
    assertThat(
            after.value(
                "chainsight_handshakes_total", Map.of("hop", "listener", "result", "failure")))
        .contains(1.0);
  }

  @Test
  void metricsExportRequestsConnectionsReloadsCertificateExpiryAndJvmBasics() throws Exception {
    start();
    HttpClient agent = HttpClient.newBuilder().sslContext(pki.clientContext(pki.agent)).build();
    HttpResponse<String> proxied =
        agent.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + proxy.port() + "/version"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(proxied.statusCode()).isEqualTo(200);

    PrometheusText text = PrometheusText.parse(get("/metrics?format=text").body());

    assertThat(text.value("chainsight_requests_total", Map.of("code", "200"))).contains(1.0);
    assertThat(
            text.value(
                "chainsight_handshakes_total", Map.of("hop", "listener", "result", "success")))
        .contains(1.0);
    assertThat(text.value("chainsight_request_duration_seconds_count", Map.of())).contains(1.0);
    assertThat(text.family("chainsight_client_connections_open").type()).isEqualTo("gauge");
    assertThat(text.value("chainsight_client_connections_open", Map.of())).contains(1.0);
    assertThat(text.value("chainsight_reloads_total", Map.of("result", "failed"))).contains(0.0);
    double leafSeconds =
        text.value(
                "chainsight_certificate_expiry_seconds",
                Map.of(
                    "role",
                    "served",
                    "subject",
                    "CN=registrar.keylime.test",
                    "serial",
                    Certificates.serialHex(pki.server.certificate())))
            .orElseThrow();
    assertThat(leafSeconds)
        .isBetween(Duration.ofDays(45).toSeconds() * 1.0, Duration.ofDays(46).toSeconds() * 1.0);
    assertThat(text.family("chainsight_certificate_expiry_seconds").samples())
        .extracting(s -> s.labels().get("role") + " " + s.labels().get("subject"))
        .containsExactlyInAnyOrder(
            "served CN=registrar.keylime.test",
            "served CN=admin test intermediate",
            "served CN=admin test root",
            "trusted CN=admin test intermediate",
            "trusted CN=admin test root");
    assertThat(text.families())
        .containsKeys(
            "jvm_memory_used_bytes", "jvm_gc_collection_seconds", "process_cpu_seconds_total");
  }

  @Test
  void metricsAsJsonListTheSameFamilies() throws Exception {
    start();

    Map<String, Object> json = json(get("/metrics?format=json"));

    Map<String, Object> reloads =
        list(json.get("families")).stream()
            .map(TestJson::object)
            .filter(f -> f.get("name").equals("chainsight_reloads_total"))
            .findFirst()
            .orElseThrow();
    assertThat(reloads).containsEntry("type", "counter");
    assertThat(list(reloads.get("samples")))
        .extracting(s -> object(object(s).get("labels")).get("result"))
        .containsExactlyInAnyOrder("changed", "unchanged", "failed");
  }

  @Test
  void certsListTheServedChainWithDaysLeftTheAnchorsAndTheLint() throws Exception {
    start();

    Map<String, Object> json = json(get("/certs"));

    Map<String, Object> served = object(json.get("served"));
    assertThat(served).containsEntry("file", files.chain().toString());
    List<Map<String, Object>> chain =
        list(served.get("certificates")).stream()
            .map(TestJson::object)
            .collect(Collectors.toList());
    assertThat(chain)
        .extracting(c -> c.get("subject"))
        .containsExactly(
            "CN=registrar.keylime.test", "CN=admin test intermediate", "CN=admin test root");
    assertThat(chain)
        .extracting(c -> ((Number) c.get("daysLeft")).intValue())
        .containsExactly(
            AdminFixture.LEAF_DAYS, AdminFixture.INTERMEDIATE_DAYS, AdminFixture.ROOT_DAYS);
    Map<String, Object> leaf = chain.get(0);
    assertThat(leaf)
        .containsEntry("issuer", "CN=admin test intermediate")
        .containsEntry("serial", Certificates.serialHex(pki.server.certificate()))
        .containsEntry("sha256", Certificates.sha256(pki.server.certificate()))
        .containsEntry("subjectKeyId", Certificates.subjectKeyId(pki.server.certificate()))
        .containsEntry("authorityKeyId", Certificates.subjectKeyId(pki.intermediate.certificate()))
        .containsEntry("signatureAlgorithm", "SHA256WITHECDSA")
        .containsEntry("basicConstraints", "CA:FALSE")
        .containsEntry("source", files.chain() + ", PEM block 1");
    assertThat(object(leaf.get("key"))).containsEntry("type", "EC").containsEntry("bits", 256);
    assertThat(object(leaf.get("subjectAltNames")))
        .containsEntry("dns", List.of("localhost"))
        .containsEntry("ip", List.of("127.0.0.1"));
    assertThat(chain.get(1)).containsEntry("basicConstraints", "CA:TRUE, pathLen:0");

    Map<String, Object> trusted = object(json.get("trusted"));
    assertThat(trusted).containsEntry("file", files.trustedCas().toString());
    assertThat(list(trusted.get("certificates")))
        .extracting(c -> object(c).get("source"))
        .containsExactly(
            files.trustedCas() + ", PEM block 1", files.trustedCas() + ", PEM block 2");

    Map<String, Object> lint = object(json.get("lint"));
    assertThat(lint)
        .containsEntry("listenHost", "127.0.0.1")
        .containsEntry("errors", 0)
        .containsEntry("warnings", 0);
    assertThat(list(lint.get("findings")))
        .extracting(f -> object(f).get("check"))
        .contains(
            "order",
            "key",
            "signature",
            "ca",
            "path-length",
            "validity",
            "purpose",
            "root",
            "host");
  }

  @Test
  void certsAsTextReadLikeAReport() throws Exception {
    start();

    String text = get("/certs?format=text").body();

    assertThat(text)
        .startsWith(
            "served chain, sent to clients in this order (tls.certificate-chain = "
                + files.chain()
                + "):\n  [1] CN=registrar.keylime.test\n      issuer     CN=admin test intermediate\n");
    assertThat(text)
        .contains("(45 days left)")
        .contains("(400 days left)")
        .contains("(3650 days left)")
        .contains("      SANs       DNS:localhost, IP:127.0.0.1\n")
        .contains("      key        EC 256 bits (prime256v1)\n")
        .contains(
            "\ntrust anchors for client certificates (tls.trusted-cas = "
                + files.trustedCas()
                + "):\n")
        .contains("\nlint of the served chain (listen.host = 127.0.0.1): 0 errors, 0 warnings\n")
        .contains(
            "  ok       host         listen.host 127.0.0.1 is in the SANs (DNS:localhost, IP:127.0.0.1)\n");
  }

  @Test
  void configShowsEveryKeyWithoutKeyMaterialAndWithTheTokenRedacted() throws Exception {
    start(AdminFixture.loopbackAdmin(Optional.of("admin-token-4711")));
    List<String> keyBase64 =
        Files.readAllLines(files.key()).stream()
            .filter(line -> !line.startsWith("-----") && !line.isBlank())
            .collect(Collectors.toList());
    assertThat(keyBase64).isNotEmpty();

    HttpResponse<String> asJson = pki.send(admin("/config"), "GET", "admin-token-4711");
    HttpResponse<String> asText = pki.send(admin("/config?format=text"), "GET", "admin-token-4711");

    for (HttpResponse<String> response : List.of(asJson, asText)) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).doesNotContain("admin-token-4711").doesNotContain("PRIVATE KEY");
      for (String line : keyBase64) {
        assertThat(response.body()).doesNotContain(line);
      }
    }
    Map<String, String> entries =
        list(json(asJson).get("entries")).stream()
            .map(TestJson::object)
            .collect(
                Collectors.toMap(
                    e -> (String) e.get("key"), e -> e.get("value") + " # " + e.get("origin")));
    assertThat(entries)
        .containsEntry("admin.token", "<redacted> # unknown")
        .containsEntry("tls.private-key", "\"" + files.key() + "\" # unknown")
        .containsEntry("tls.client-auth", "require # unknown")
        .containsEntry("tls.handshake-timeout", "10s # unknown");
    assertThat(asText.body()).contains("  admin.token = <redacted>").contains("# unknown");
  }

  @Test
  void aTokenIsRequiredWhenSetAndComparedExactly() throws Exception {
    start(AdminFixture.loopbackAdmin(Optional.of("s3cret")));

    HttpResponse<String> none = get("/healthz");
    HttpResponse<String> wrong = pki.send(admin("/healthz"), "GET", "s3cret-not");
    HttpResponse<String> right = pki.send(admin("/healthz"), "GET", "s3cret");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"chainsight admin\"");
    assertThat(json(none))
        .containsEntry(
            "error",
            "missing or wrong bearer token (expected: Authorization: Bearer <admin.token>)");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(pki.send(admin("/nowhere"), "GET", null).statusCode())
        .as("no endpoint list without the token")
        .isEqualTo(401);
    assertThat(right.statusCode()).isEqualTo(200);
  }

  @Test
  void everyInterfaceWorksWithATokenAndIsRefusedWithoutOne() throws Exception {
    assertThatThrownBy(() -> new AdminSettings(true, "0.0.0.0", 0, Optional.empty()))
        .hasMessageStartingWith(
            "admin.host: 0.0.0.0 is not a loopback address and admin.token is not set");

    start(new AdminSettings(true, "0.0.0.0", 0, Optional.of("s3cret")));

    assertThat(proxy.server().adminAddress().orElseThrow().getAddress().isAnyLocalAddress())
        .isTrue();
    assertThat(get("/healthz").statusCode()).isEqualTo(401);
    assertThat(pki.send(admin("/healthz"), "GET", "s3cret").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownPathGets404ListingTheEndpoints() throws Exception {
    start();

    HttpResponse<String> asJson = get("/status");
    HttpResponse<String> asText = get("/status?format=text");

    assertThat(asJson.statusCode()).isEqualTo(404);
    Map<String, Object> json = json(asJson);
    assertThat(json).containsEntry("error", "no endpoint at /status");
    assertThat(list(json.get("endpoints")))
        .extracting(e -> object(e).get("method") + " " + object(e).get("path"))
        .containsExactly(
            "GET /healthz",
            "GET /readyz",
            "GET /metrics",
            "GET /certs",
            "GET /debug/handshakes",
            "GET /debug/handshakes/{id}",
            "GET /history",
            "GET /config",
            "POST /reload",
            "GET /version");
    assertThat(asText.statusCode()).isEqualTo(404);
    assertThat(asText.body())
        .startsWith(
            "404 no endpoint at /status\n\nendpoints (JSON by default, readable text "
                + "with ?format=text):\n  GET   /healthz ")
        .contains("  POST  /reload ");
  }

  @Test
  void aWrongMethodGets405WithAllow() throws Exception {
    start();

    HttpResponse<String> deleteCerts = pki.send(admin("/certs"), "DELETE", null);
    HttpResponse<String> getReload = get("/reload");

    assertThat(deleteCerts.statusCode()).isEqualTo(405);
    assertThat(deleteCerts.headers().firstValue("Allow")).contains("GET");
    assertThat(json(deleteCerts))
        .containsEntry("error", "method DELETE is not allowed on /certs (expected: GET)");
    assertThat(getReload.statusCode()).isEqualTo(405);
    assertThat(getReload.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void anUnknownFormatGets400() throws Exception {
    start();

    HttpResponse<String> response = get("/certs?format=xml");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response))
        .containsEntry("error", "format: \"xml\" is not a format (expected: json or text)");
  }

  @Test
  void reloadServesNewFilesAndRefusesABrokenKeyWith422() throws Exception {
    start();

    HttpResponse<String> same = pki.send(admin("/reload"), "POST", null);
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(json(same)).containsEntry("result", "unchanged");

    HeldCertificate renewed = pki.serverBuilder().build();
    Files.writeString(files.key(), renewed.privateKeyPem());
    Files.writeString(
        files.chain(),
        renewed.certificatePem() + pki.intermediate.certificatePem() + pki.root.certificatePem());
    HttpResponse<String> changed = pki.send(admin("/reload?format=text"), "POST", null);
    // The file watcher may have reloaded first; either way the renewed leaf is served afterwards.
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).startsWith("reloaded configuration (");
    Map<String, Object> leaf =
        object(list(object(json(get("/certs")).get("served")).get("certificates")).get(0));
    assertThat(leaf).containsEntry("serial", Certificates.serialHex(renewed.certificate()));

    Files.writeString(
        files.key(), "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
    HttpResponse<String> refused = pki.send(admin("/reload"), "POST", null);
    assertThat(refused.statusCode()).isEqualTo(422);
    Map<String, Object> failed = json(refused);
    assertThat(failed).containsEntry("result", "failed");
    assertThat(failed.get("message").toString()).contains("refused, still serving");
    assertThat(list(failed.get("problems"))).isNotEmpty();
    assertThat(
            PrometheusText.parse(get("/metrics").body())
                .value("chainsight_reloads_total", Map.of("result", "failed"))
                .orElseThrow())
        .isGreaterThanOrEqualTo(1.0);
    assertThat(object(list(object(json(get("/certs")).get("served")).get("certificates")).get(0)))
        .containsEntry("serial", Certificates.serialHex(renewed.certificate()));
    // The refused reload is shown where operators look, while the proxy stays ready on the previous
    // material.
    HttpResponse<String> ready = get("/readyz?format=text");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body())
        .contains("WARNING: the last reload was refused")
        .contains("tls.private-key");
    assertThat(json(get("/certs")).get("refusedReload").toString()).contains("tls.private-key");
  }

  @Test
  void versionNamesTheJavaTlsEngineAndTransport() throws Exception {
    start();

    Map<String, Object> json = json(get("/version"));
    String text = get("/version?format=text").body();

    String engine = proxy.server().engine().isOpenSsl() ? "BoringSSL" : "JDK";
    assertThat(json)
        .containsEntry("java", Runtime.version().toString())
        .containsEntry("tlsEngine", engine)
        .containsEntry("transport", proxy.server().transport().name());
    assertThat((String) json.get("version")).isNotBlank();
    assertThat(text)
        .startsWith("chainsight " + json.get("version") + "\n")
        .contains("tls engine  " + engine)
        .contains("transport   " + proxy.server().transport().name());
  }

  @Test
  void aFailedHandshakeIsListedWithTheIdFromItsLogLine() throws Exception {
    start();
    Logger handshakeLog = (Logger) LoggerFactory.getLogger(FailureReporter.LOGGER);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    handshakeLog.addAppender(events);
    try {
      failOneHandshakeWithoutACertificate();
      AdminFixture.await(
          "the failure to be logged", Duration.ofSeconds(5), () -> !events.list.isEmpty());
    } finally {
      handshakeLog.detachAppender(events);
    }
    Matcher logged =
        Pattern.compile("TLS handshake failed \\[([0-9a-f]+)\\]")
            .matcher(events.list.get(0).getFormattedMessage());
    assertThat(logged.find()).as("an id in %s", events.list.get(0).getFormattedMessage()).isTrue();
    String id = logged.group(1);

    Map<String, Object> list = json(get("/debug/handshakes?reason=NO_CLIENT_CERTIFICATE"));
    HttpResponse<String> one = get("/debug/handshakes/" + id);
    String text = get("/debug/handshakes/" + id + "?format=text").body();

    assertThat(list).containsEntry("count", 1);
    Map<String, Object> failure = object(list(list.get("failures")).get(0));
    assertThat(failure).containsEntry("id", id).containsEntry("reason", "NO_CLIENT_CERTIFICATE");
    assertThat(failure.get("client").toString()).startsWith("127.0.0.1:");
    assertThat(object(failure.get("diagnosis"))).isNotEmpty();
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one)).containsEntry("id", id);
    assertThat(text).startsWith(id + "  ").contains("  NO_CLIENT_CERTIFICATE\n");
    assertThat(json(get("/debug/handshakes?reason=EXPIRED"))).containsEntry("count", 0);
  }

  @Test
  void adminDisabledMeansNoListener() throws Exception {
    start(new AdminSettings(false, "127.0.0.1", 0, Optional.empty()));

    assertThat(proxy.server().adminAddress()).isEmpty();
  }

  @Test
  void anAdminPortInUseRefusesToStartNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  start(
                      new AdminSettings(true, "127.0.0.1", taken.getLocalPort(), Optional.empty())))
          .isInstanceOf(io.chainsight.core.config.ConfigException.class)
          .hasMessageStartingWith("admin: cannot bind 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageContaining("choose another admin.port, or set admin.enabled = false");
    }
  }
}
