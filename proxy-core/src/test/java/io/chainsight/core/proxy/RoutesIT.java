package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.access.AccessRule;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.certs.HeldCertificate.Purpose;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-route backends and client-auth, and re-encryption to an https backend with the proxy's
 * certificate.
 */
class RoutesIT {
  @RegisterExtension final ProxyExtension proxy = new ProxyExtension();

  private final TestPki pki = proxy.pki();

  private RecordingBackend plainBackend() {
    return proxy.closeAfter(RecordingBackend.start());
  }

  private URI start(List<RouteSettings> routes, int defaultBackendPort) throws Exception {
    proxy.start(config -> config.backendPort(defaultBackendPort).routes(routes));
    return proxy.uri("");
  }

  private static RouteSettings route(
      String prefix, Set<String> methods, URI backend, ClientAuth auth, BackendTlsSettings tls) {
    return new RouteSettings(
        prefix,
        methods,
        Optional.ofNullable(backend),
        Optional.ofNullable(auth),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.ofNullable(tls));
  }

  private HttpResponse<String> get(SSLContext context, URI uri) throws Exception {
    return proxy
        .client(context)
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A tenant's GET of /v2.1/agents through a proxy whose one route, {@code prefix} for {@code
   * methods}, re-encrypts to {@code tls}, trusting our root and presenting the client certificate
   * chain and key in {@code clientFiles} there (none when empty).
   */
  private HttpResponse<String> tenantGetThroughHttpsRoute(
      String prefix, Set<String> methods, RecordingBackend tls, Path... clientFiles)
      throws Exception {
    Path rootCa =
        Files.writeString(proxy.dir().resolve("backend-ca.pem"), pki.root().certificatePem());
    URI base =
        start(
            List.of(
                TestConfig.httpsRoute(
                    prefix,
                    methods,
                    tls.port(),
                    clientFiles.length == 0 ? null : clientFiles,
                    rootCa)),
            1);
    return get(
        pki.clientContext(pki.agent("tenant").build(), pki.intermediate()),
        base.resolve("/v2.1/agents"));
  }

  @Test
  void optionalRouteServesClientsWithoutCertificateAndRequiredRouteAnswers401() throws Exception {
    RecordingBackend backend = plainBackend();
    URI base =
        start(
            List.of(
                route("/version", Set.of(), null, ClientAuth.OPTIONAL, null),
                route("/v2.1/agents/", Set.of(), null, null, null)),
            proxy.backend().port());
    SSLContext noCertificate = pki.clientContext(null);

    try (LogCapture log = new LogCapture(FailureReporter.LOGGER)) {
      assertThat(get(noCertificate, base.resolve("/version")).statusCode()).isEqualTo(200);
      HttpResponse<String> refused = get(noCertificate, base.resolve("/v2.1/agents/d432fbb3"));

      assertThat(refused.statusCode()).isEqualTo(401);
      String id =
          (String)
              log.await("reason", "NO_CLIENT_CERTIFICATE", Duration.ofSeconds(5)).get("failure_id");
      assertThat(refused.body())
          .startsWith(
              "{\"code\": 401, \"status\": \"Unauthorized: NO_CLIENT_CERTIFICATE: "
                  + "GET /v2.1/agents/d432fbb3 needs a client certificate")
          .contains("failure id " + id);
    }
    assertThat(proxy.backend().received())
        .extracting(RecordingBackend.Received::target)
        .containsExactly("/version");
    assertThat(
            get(
                    pki.clientContext(pki.agent("agent-1").build(), pki.intermediate()),
                    base.resolve("/v2.1/agents/d432fbb3"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void longestPrefixAndMethodPickTheRouteAndUnmatchedIs404() throws Exception {
    RecordingBackend agents = plainBackend();
    RecordingBackend tenant = plainBackend();
    URI base =
        start(
            List.of(
                route(
                    "/v2.1/agents/",
                    Set.of("POST", "PUT"),
                    URI.create("http://127.0.0.1:" + agents.port()),
                    null,
                    null),
                route(
                    "/v2.1/",
                    Set.of("GET"),
                    URI.create("http://127.0.0.1:" + tenant.port()),
                    null,
                    null)),
            1);
    SSLContext agent = pki.clientContext(pki.agent("agent-1").build(), pki.intermediate());
    HttpClient client = proxy.client(agent);

    client.send(
        HttpRequest.newBuilder(base.resolve("/v2.1/agents/a"))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    client.send(
        HttpRequest.newBuilder(base.resolve("/v2.1/agents/a")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unmatched =
        client.send(
            HttpRequest.newBuilder(base.resolve("/v2.1/agents/a")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(agents.received())
        .extracting(RecordingBackend.Received::method)
        .containsExactly("POST");
    assertThat(tenant.received())
        .extracting(RecordingBackend.Received::method)
        .containsExactly("GET");
    assertThat(unmatched.statusCode()).isEqualTo(404);
    assertThat(unmatched.body())
        .contains("no route for DELETE /v2.1/agents/a")
        .contains("/v2.1/agents/ POST|PUT, /v2.1/ GET");
  }

  @Test
  void deniedSubjectGets403AndTheLogNamesTheIdentityAndTheRulesTried() throws Exception {
    RecordingBackend backend = plainBackend();
    AccessRule tenantOnly = AccessRule.of(java.util.Map.of("subject-cn", "tenant-*"));
    URI base =
        start(
            List.of(
                new RouteSettings(
                    "/v*/agents",
                    Set.of("GET"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(List.of(tenantOnly)),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty())),
            proxy.backend().port());

    try (LogCapture log = new LogCapture(FailureReporter.LOGGER)) {
      HttpResponse<String> denied =
          get(
              pki.clientContext(pki.agent("agent-1").build(), pki.intermediate()),
              base.resolve("/v2.1/agents"));
      assertThat(denied.statusCode()).isEqualTo(403);
      java.util.Map<String, Object> event =
          log.await("reason", "NOT_AUTHORIZED", Duration.ofSeconds(5));
      assertThat((String) event.get("explanation"))
          .contains("authenticated as CN=agent-1")
          .contains("DNS:agent-1.agents.keylime.test")
          .contains("no rule matched")
          .contains("subject-cn = \"tenant-*\"");
      assertThat(denied.body())
          .startsWith(
              "{\"code\": 403, \"status\": \"Forbidden: NOT_AUTHORIZED: "
                  + "authenticated as CN=agent-1")
          .contains("failure id " + event.get("failure_id"));
    }
    assertThat(
            get(
                    pki.clientContext(pki.agent("tenant-7").build(), pki.intermediate()),
                    base.resolve("/v2.2/agents"))
                .statusCode())
        .isEqualTo(200);
    assertThat(proxy.backend().received())
        .extracting(RecordingBackend.Received::target)
        .containsExactly("/v2.2/agents");
  }

  @Test
  void accessRulesOnAnOptionalRouteRefuseAClientWithoutCertificate() throws Exception {
    RecordingBackend backend = plainBackend();
    AccessRule tenantOnly = AccessRule.of(java.util.Map.of("subject-cn", "tenant-*"));
    URI base =
        start(
            List.of(
                new RouteSettings(
                    "/v*/agents",
                    Set.of(),
                    Optional.empty(),
                    Optional.of(ClientAuth.OPTIONAL),
                    Optional.of(List.of(tenantOnly)),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty())),
            proxy.backend().port());

    HttpResponse<String> refused = get(pki.clientContext(null), base.resolve("/v2.1/agents"));

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("NO_CLIENT_CERTIFICATE").contains("access rules");
    assertThat(proxy.backend().received()).isEmpty();
  }

  @Test
  void httpsBackendIsReachedWithTheProxysClientCertificate() throws Exception {
    HeldCertificate registrar = pki.registrarTlsPort().build();
    RecordingBackend tls =
        RecordingBackend.startTls(pki.serverContext(registrar, pki.intermediate()), true);
    proxy.closeAfter(tls);
    HeldCertificate proxyClient = pki.proxyClient().build();
    Path[] files =
        TestPki.writeClientFiles(proxy.dir(), "proxy-client", proxyClient, pki.intermediate());

    HttpResponse<String> response =
        tenantGetThroughHttpsRoute("/v2.1/agents", Set.of("GET"), tls, files);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(tls.last().clientCertificateSubject()).isEqualTo("CN=chainsight-proxy");
  }

  @Test
  void httpsBackendWhoseCertificateFailsGives502WithThePreciseReason() throws Exception {
    HeldCertificate otherRoot =
        HeldCertificate.builder().commonName("other registrar CA").certificateAuthority(0).build();
    HeldCertificate registrar = pki.registrarTlsPort().signedBy(otherRoot).build();
    RecordingBackend tls = RecordingBackend.startTls(pki.serverContext(registrar), false);
    proxy.closeAfter(tls);

    HttpResponse<String> response = tenantGetThroughHttpsRoute("/v2.1/agents", Set.of(), tls);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body())
        .contains(
            "Bad Gateway: the TLS handshake with backend https://127.0.0.1:"
                + tls.port()
                + " failed with ISSUER_NOT_FOUND: ")
        .contains("CN=other registrar CA")
        .containsPattern("failure id [0-9a-f]{8} in the proxy's log")
        .doesNotContain("Fix:")
        .doesNotContain("Exception");
    // Said once: the reason code and the explanation appear one time each.
    assertThat(response.body().split("ISSUER_NOT_FOUND", -1)).hasSize(2);
    assertThat(response.body().split("CN=other registrar CA", -1)).hasSize(2);
    assertThat(tls.received()).isEmpty();
  }

  @Test
  void httpsBackendWithTheWrongNameGives502NamingTheMismatch() throws Exception {
    HeldCertificate registrar =
        HeldCertificate.builder()
            .commonName("registrar 8891")
            .signedBy(pki.intermediate())
            .purpose(Purpose.SERVER_AUTH)
            .addSubjectAlternativeName("registrar.keylime.test")
            .build();
    RecordingBackend tls =
        RecordingBackend.startTls(pki.serverContext(registrar, pki.intermediate()), false);
    proxy.closeAfter(tls);

    HttpResponse<String> response = tenantGetThroughHttpsRoute("/", Set.of(), tls);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("HOSTNAME_MISMATCH").contains("127.0.0.1");
  }
}
