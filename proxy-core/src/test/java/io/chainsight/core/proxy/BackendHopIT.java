package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend hop's handshakes explained like the listener's: a real TLS backend (Netty with
 * BoringSSL, as OpenSSL-based as Keylime's registrar) that distrusts the proxy's client CA, that
 * requires a certificate the route does not configure, or that sees the proxy's client certificate
 * expired. Each gets one plain 502 sentence with the failure id, one WARN event with the reason and
 * fix, a count with hop="backend", and an entry at /debug/handshakes.
 */
class BackendHopIT {
  @RegisterExtension final ProxyExtension fixture = new ProxyExtension();

  private final TestPki pki = fixture.pki();

  /** The CA that issues the proxy's client certificates, apart from the agents' PKI. */
  private final HeldCertificate proxyCa =
      HeldCertificate.builder().commonName("chainsight client CA").certificateAuthority(0).build();

  private final HeldCertificate registrar = pki.registrarTlsPort().build();

  private ChainsightServer proxy;

  /**
   * Attached before the proxy starts: the readiness check may report the backend's refusal first,
   * and a request's identical failure is then deduplicated.
   */
  private LogCapture log;

  @BeforeEach
  void capture() {
    log = new LogCapture(FailureReporter.LOGGER);
  }

  @AfterEach
  void release() {
    log.close();
  }

  private HeldCertificate proxyClient(Instant notBefore, Instant notAfter) {
    return pki.proxyClient().signedBy(proxyCa).validity(notBefore, notAfter).build();
  }

  private HeldCertificate proxyClient() {
    Instant now = Instant.now();
    return proxyClient(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  private TlsBackend backend(
      HeldCertificate trustedClientCa, io.netty.handler.ssl.ClientAuth auth, String... protocols) {
    return fixture.closeAfter(
        TlsBackend.start(registrar, List.of(pki.intermediate()), trustedClientCa, auth, protocols));
  }

  /** The proxy with one route, {@code /v2.1/agents GET}, re-encrypted to {@code backend}. */
  private URI start(TlsBackend backend, HeldCertificate client) throws Exception {
    Path dir = fixture.dir();
    Path[] clientFiles =
        client == null ? null : TestPki.writeClientFiles(dir, "proxy-client", client);
    Path backendCa = Files.writeString(dir.resolve("backend-ca.pem"), pki.root().certificatePem());
    RouteSettings route =
        TestConfig.httpsRoute(
            "/v2.1/agents", Set.of("GET"), backend.port(), clientFiles, backendCa);
    proxy =
        fixture.start(
            config ->
                config
                    .backendPort(1)
                    .routes(List.of(route))
                    .admin(new AdminSettings(true, "127.0.0.1", 0, Optional.empty())));
    return fixture.uri("/v2.1/agents");
  }

  private HttpResponse<String> tenantGet(URI uri) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(pki.clientContext(pki.agent("tenant").build(), pki.intermediate()))
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String admin(String pathAndQuery) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + proxy.adminAddress().orElseThrow().getPort()
                            + pathAndQuery))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String status(HttpResponse<String> response) {
    // {"code": 502, "status": "...", "results": {}}: the sentence is the status.
    String body = response.body();
    int start = body.indexOf("\"status\": \"") + "\"status\": \"".length();
    return body.substring(start, body.indexOf("\", \"results\"", start));
  }

  /**
   * Where a 502 says its failure is: in the log under its own id, or (counted as a repeat of the
   * readiness check's identical failure) under that one's.
   */
  private String loggedAt(String id) {
    var failure = proxy.failures().byId(id).orElseThrow();
    String logged = proxy.failures().loggedAs(failure);
    return logged.equals(id)
        ? " in the proxy's log and at /debug/handshakes/" + id + " on its admin endpoint"
        : " at /debug/handshakes/"
            + id
            + " on the proxy's admin endpoint; its log has the same failure as ["
            + logged
            + "]";
  }

  /** The failure id a 502 names. */
  private static String idIn(HttpResponse<String> response) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("failure id ([0-9a-f]{8}) ").matcher(response.body());
    assertThat(m.find()).as(response.body()).isTrue();
    return m.group(1);
  }

  /**
   * Counted once per failed backend handshake: the requests' and the readiness check's (which also
   * runs, the admin listener being on), as many as /debug/handshakes keeps.
   */
  private void assertCounted(String reason, int atLeast) {
    long kept =
        proxy.failures().recent().stream()
            .filter(f -> f.hop() == io.chainsight.core.report.HandshakeFailure.Hop.BACKEND)
            .filter(f -> f.reason().name().equals(reason))
            .count();
    assertThat(kept).isGreaterThanOrEqualTo(atLeast);
    assertThat(proxy.metrics().handshakeFailures("backend", reason)).isEqualTo(kept);
    assertThat(proxy.metrics().handshakeFailures("listener", reason)).isZero();
  }

  private void assertListedAtDebugHandshakes(String id, String reason, int port) throws Exception {
    String text = admin("/debug/handshakes?hop=backend&format=text");
    assertThat(text)
        .contains(id)
        .contains("backend https://127.0.0.1:" + port + " (routes[0].tls)")
        .contains(reason);
    assertThat(admin("/debug/handshakes/" + id))
        .contains("\"hop\": \"backend\"")
        .contains("\"reason\": \"" + reason + "\"");
    assertThat(admin("/debug/handshakes?hop=listener&format=text")).doesNotContain(id);
  }

  @Test
  void backendThatDistrustsOurClientCaIsExplainedAsUnknownCaNamingTheCaAndTrustedClientCa()
      throws Exception {
    TlsBackend backend = backend(pki.root(), io.netty.handler.ssl.ClientAuth.REQUIRE);
    URI uri = start(backend, proxyClient());

    {
      HttpResponse<String> response = tenantGet(uri);

      Map<String, Object> event =
          log.await("reason", "BACKEND_REJECTED_OUR_CHAIN", Duration.ofSeconds(5));
      String id = idIn(response);
      assertThat(response.statusCode()).isEqualTo(502);
      String ski = Certificates.subjectKeyId(proxyCa.certificate());
      assertThat(status(response))
          .isEqualTo(
              "Bad Gateway: the TLS handshake with backend https://127.0.0.1:"
                  + backend.port()
                  + " failed with BACKEND_REJECTED_OUR_CHAIN: The backend https://127.0.0.1:"
                  + backend.port()
                  + " ended the handshake with alert unknown_ca (48) after we sent our client"
                  + " certificate CN=chainsight-proxy alone: it could not build a path from it to a"
                  + " CA it trusts; most likely it does not trust CN=chainsight client CA (SKI "
                  + ski
                  + "), the CA that issued it; failure id "
                  + id
                  + loggedAt(id));
      assertThat(response.body()).doesNotContain("io.netty").doesNotContain("Exception");
      assertThat(event)
          .containsEntry("hop", "backend")
          .containsEntry("alert_received", "unknown_ca")
          .containsEntry("backend", "https://127.0.0.1:" + backend.port() + " (routes[0].tls)")
          .containsEntry("certificate", "presented[0] CN=chainsight-proxy")
          .containsEntry("openssl_error", "20 \"unable to get local issuer certificate\"");
      assertThat((String) event.get("fix"))
          .contains("CN=chainsight client CA (SKI " + ski + ")")
          .contains("trusted_client_ca")
          .contains("relative to tls_dir")
          .contains("tls_dir = generate")
          .contains("cv_ca/cacert.crt");
      assertCounted("BACKEND_REJECTED_OUR_CHAIN", 1);
      assertListedAtDebugHandshakes(id, "BACKEND_REJECTED_OUR_CHAIN", backend.port());
      assertListedAtDebugHandshakes(
          (String) event.get("failure_id"), "BACKEND_REJECTED_OUR_CHAIN", backend.port());
    }
    assertThat(backend.clientSubjects()).isEmpty();
  }

  @Test
  void overTls12TheSameRejectionEndsTheHandshakeItselfAndReadsTheSame() throws Exception {
    TlsBackend backend = backend(pki.root(), io.netty.handler.ssl.ClientAuth.REQUIRE, "TLSv1.2");
    URI uri = start(backend, proxyClient());

    {
      HttpResponse<String> response = tenantGet(uri);

      Map<String, Object> event =
          log.await("reason", "BACKEND_REJECTED_OUR_CHAIN", Duration.ofSeconds(5));
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(status(response))
          .contains("failed with BACKEND_REJECTED_OUR_CHAIN")
          .contains("alert unknown_ca (48)")
          .contains("failure id " + idIn(response));
      assertThat(event).containsEntry("alert_received", "unknown_ca");
      assertCounted("BACKEND_REJECTED_OUR_CHAIN", 1);
    }
  }

  @Test
  void backendThatRequiresACertificateTheRouteDoesNotConfigureIsNoClientCertificate()
      throws Exception {
    TlsBackend backend = backend(proxyCa, io.netty.handler.ssl.ClientAuth.REQUIRE);
    URI uri = start(backend, null);

    {
      HttpResponse<String> response = tenantGet(uri);

      Map<String, Object> event =
          log.await("reason", "NO_CLIENT_CERTIFICATE", Duration.ofSeconds(5));
      String id = idIn(response);
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(status(response))
          .isEqualTo(
              "Bad Gateway: the TLS handshake with backend https://127.0.0.1:"
                  + backend.port()
                  + " failed with NO_CLIENT_CERTIFICATE: The backend https://127.0.0.1:"
                  + backend.port()
                  + " requires a client certificate (it ended the handshake with alert"
                  + " certificate_required (116)), and chainsight sent none:"
                  + " routes[0].tls.certificate-chain is not set for this route; failure id "
                  + id
                  + loggedAt(id));
      assertThat(event)
          .containsEntry("hop", "backend")
          .containsEntry("alert_received", "certificate_required");
      assertThat((String) event.get("fix"))
          .contains("set routes[0].tls.certificate-chain and routes[0].tls.private-key");
      assertCounted("NO_CLIENT_CERTIFICATE", 1);
      assertListedAtDebugHandshakes(id, "NO_CLIENT_CERTIFICATE", backend.port());
    }
  }

  @Test
  void backendThatSeesOurClientCertificateExpiredConfirmsItAndSaysRenew() throws Exception {
    TlsBackend backend = backend(proxyCa, io.netty.handler.ssl.ClientAuth.REQUIRE);
    Instant now = Instant.now();
    URI uri =
        start(backend, proxyClient(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(2))));

    {
      HttpResponse<String> response = tenantGet(uri);

      Map<String, Object> event =
          log.await("reason", "BACKEND_REJECTED_OUR_CHAIN", Duration.ofSeconds(5));
      String id = idIn(response);
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(status(response))
          .startsWith(
              "Bad Gateway: the TLS handshake with backend https://127.0.0.1:"
                  + backend.port()
                  + " failed with BACKEND_REJECTED_OUR_CHAIN: The backend https://127.0.0.1:"
                  + backend.port()
                  + " ended the handshake with alert certificate_expired (45) after we sent our"
                  + " client certificate CN=chainsight-proxy alone: by its clock, a certificate of"
                  + " our chain has expired; failure id "
                  + id);
      assertThat(event)
          .containsEntry("alert_received", "certificate_expired")
          .containsEntry("openssl_error", "10 \"certificate has expired\"");
      assertThat((String) event.get("causes").toString())
          .contains("Our own client chain fails this check from here too")
          .contains("CN=chainsight-proxy");
      assertThat((String) event.get("fix")).containsIgnoringCase("renew");
      assertCounted("BACKEND_REJECTED_OUR_CHAIN", 1);
      assertListedAtDebugHandshakes(id, "BACKEND_REJECTED_OUR_CHAIN", backend.port());
    }
  }

  @Test
  void aRepeatedRejectionIsLoggedOnceAndCountedEachTime() throws Exception {
    TlsBackend backend = backend(pki.root(), io.netty.handler.ssl.ClientAuth.REQUIRE);
    URI uri = start(backend, proxyClient());

    {
      assertThat(tenantGet(uri).statusCode()).isEqualTo(502);
      assertThat(tenantGet(uri).statusCode()).isEqualTo(502);

      log.await("reason", "BACKEND_REJECTED_OUR_CHAIN", Duration.ofSeconds(5));
      assertThat(
              log.events().stream()
                  .filter(
                      e -> "BACKEND_REJECTED_OUR_CHAIN".equals(LogCapture.fields(e).get("reason")))
                  .count())
          .isEqualTo(1);
      assertCounted("BACKEND_REJECTED_OUR_CHAIN", 2);
    }
  }

  @Test
  void anAcceptedBackendHandshakeIsCountedAsASuccessOnTheBackendHop() throws Exception {
    TlsBackend backend = backend(proxyCa, io.netty.handler.ssl.ClientAuth.REQUIRE);
    URI uri = start(backend, proxyClient());

    HttpResponse<String> response = tenantGet(uri);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(backend.clientSubjects()).containsExactly("CN=chainsight-proxy");
    // The request's handshake, and the readiness check's (the admin listener being on).
    assertThat(proxy.metrics().handshakes("backend", "success")).isBetween(1L, 2L);
    assertThat(proxy.metrics().handshakes("backend", "failure")).isZero();
  }
}
