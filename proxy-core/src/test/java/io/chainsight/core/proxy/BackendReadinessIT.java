package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import io.chainsight.core.testing.TlsBackend;
import java.net.ServerSocket;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /readyz and chainsight_backend_up with routes: every backend a route uses is checked (a TLS
 * handshake with the route's client certificate for https, a TCP connect for http) and listed with
 * its state, last error and failure id, while only the default backend decides the status.
 */
class BackendReadinessIT {
  @RegisterExtension final ProxyExtension fixture = new ProxyExtension();

  private final TestPki pki = fixture.pki();
  private final ObjectMapper json = new ObjectMapper();

  private String admin(String pathAndQuery) throws Exception {
    return admin(pathAndQuery, null).body();
  }

  private HttpResponse<String> admin(String pathAndQuery, String ignored) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + fixture.server().adminAddress().orElseThrow().getPort()
                            + pathAndQuery))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aFailingRouteBackendIsListedWithItsErrorAndFailureIdWhileTheDefaultKeepsTheProxyReady()
      throws Exception {
    HeldCertificate registrar = pki.registrarTlsPort().build();
    HeldCertificate otherCa =
        HeldCertificate.builder()
            .commonName("chainsight client CA")
            .certificateAuthority(0)
            .build();
    HeldCertificate proxyClient = pki.proxyClient().signedBy(otherCa).build();
    // The tenant hop's backend trusts only the agents' root, not the CA of our client certificate.
    TlsBackend tenantHop =
        fixture.closeAfter(
            TlsBackend.start(
                registrar,
                List.of(pki.intermediate()),
                pki.root(),
                io.netty.handler.ssl.ClientAuth.REQUIRE));
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    Path dir = fixture.dir();
    Path[] client = TestPki.writeClientFiles(dir, "proxy-client", proxyClient);
    Path backendCa = Files.writeString(dir.resolve("backend-ca.pem"), pki.root().certificatePem());
    List<RouteSettings> routes =
        List.of(
            new RouteSettings(
                "/version",
                Set.of("GET"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            TestConfig.httpsRoute(
                "/v*/agents", Set.of("GET", "DELETE"), tenantHop.port(), client, backendCa),
            new RouteSettings(
                "/other",
                Set.of(),
                Optional.of(URI.create("http://127.0.0.1:" + closedPort)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));

    try (LogCapture log = new LogCapture(FailureReporter.LOGGER)) {
      fixture.start(
          config ->
              config
                  .routes(routes)
                  .admin(new AdminSettings(true, "127.0.0.1", 0, Optional.empty())));
      String tenant = "https://127.0.0.1:" + tenantHop.port();
      await(
          "the tenant hop checked",
          () -> {
            try {
              for (JsonNode b : json.readTree(admin("/readyz")).get("backends")) {
                if (b.get("backend").asText().equals(tenant) && b.get("failureId").isTextual()) {
                  return true;
                }
              }
              return false;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });

      HttpResponse<String> ready = admin("/readyz", null);
      JsonNode body = json.readTree(ready.body());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(body.get("status").asText()).isEqualTo("ready");
      JsonNode backends = body.get("backends");
      assertThat(backends).hasSize(3);
      JsonNode defaultBackend = backends.get(0);
      assertThat(defaultBackend.get("backend").asText())
          .isEqualTo("http://127.0.0.1:" + fixture.backend().port());
      assertThat(defaultBackend.get("default").asBoolean()).isTrue();
      assertThat(defaultBackend.get("state").asText()).isEqualTo("up");
      JsonNode hop = null;
      JsonNode other = null;
      for (JsonNode b : backends) {
        if (b.get("backend").asText().equals(tenant)) {
          hop = b;
        } else if (b.get("backend").asText().equals("http://127.0.0.1:" + closedPort)) {
          other = b;
        }
      }
      assertThat(hop).isNotNull();
      assertThat(hop.get("state").asText()).isEqualTo("down");
      assertThat(hop.get("default").asBoolean()).isFalse();
      assertThat(hop.get("routes").get(0).asText()).startsWith("routes[1]");
      assertThat(hop.get("lastError").asText())
          .startsWith(
              "TLS handshake with backend " + tenant + " failed: BACKEND_REJECTED_OUR_CHAIN")
          .contains("alert unknown_ca (48)");
      String id = hop.get("failureId").asText();
      assertThat(hop.get("lastError").asText()).contains("failure id " + id);
      JsonNode listed = json.readTree(admin("/debug/handshakes/" + id));
      assertThat(listed.get("hop").asText()).isEqualTo("backend");
      assertThat(listed.get("reason").asText()).isEqualTo("BACKEND_REJECTED_OUR_CHAIN");
      assertThat(log.await("failure_id", id, Duration.ofSeconds(5)))
          .containsEntry("reason", "BACKEND_REJECTED_OUR_CHAIN")
          .containsEntry("hop", "backend");
      assertThat(other).isNotNull();
      assertThat(other.get("state").asText()).isEqualTo("down");
      assertThat(other.get("lastError").asText()).contains("does not accept TCP connections");
      assertThat(other.get("failureId").isNull()).isTrue();

      String text = admin("/readyz?format=text");
      assertThat(text)
          .startsWith("ready\n")
          .contains("backends (only the default one, backend.url, decides readiness):")
          .contains("  DOWN " + tenant + " (routes[1]");

      String metrics = admin("/metrics");
      assertThat(metrics)
          .contains(
              "chainsight_backend_up{backend=\"http://127.0.0.1:"
                  + fixture.backend().port()
                  + "\"} 1.0")
          .contains("chainsight_backend_up{backend=\"" + tenant + "\"} 0.0")
          .contains("chainsight_backend_up{backend=\"http://127.0.0.1:" + closedPort + "\"} 0.0");
    }
  }
}
