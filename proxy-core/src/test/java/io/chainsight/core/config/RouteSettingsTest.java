package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Route matching (a plain prefix, or one with wildcards inside a segment) and the checks a route
 * makes on itself.
 */
class RouteSettingsTest {
  private static RouteSettings route(String prefix, String... methods) {
    return new RouteSettings(
        prefix,
        Set.of(methods),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static RouteSettings withBackend(String url, Optional<BackendTlsSettings> tls) {
    return new RouteSettings(
        "/",
        Set.of(),
        Optional.of(URI.create(url)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        tls);
  }

  private static final Optional<BackendTlsSettings> TLS =
      Optional.of(
          new BackendTlsSettings(
              Optional.empty(),
              Optional.empty(),
              Path.of("/etc/chainsight/registrar-ca.pem"),
              Optional.empty()));

  @Test
  void aPlainPrefixMatchesPathsThatStartWithIt() {
    RouteSettings route = route("/v2.1/agents/");

    assertThat(route.matchesPath("/v2.1/agents/d432fbb3")).isTrue();
    assertThat(route.matchesPath("/v2.1/agents/")).isTrue();
    assertThat(route.matchesPath("/v2.1/agents")).isFalse();
    assertThat(route.matchesPath("/v2.10/agents/x")).isFalse();
  }

  @Test
  void aStarStandsForAnyRunInsideOneSegment() {
    RouteSettings route = route("/v*/agents");

    assertThat(route.matchesPath("/v2.1/agents/d432fbb3/activate")).isTrue();
    assertThat(route.matchesPath("/v3.0/agents")).isTrue();
    assertThat(route.matchesPath("/v/agents")).isTrue();
    assertThat(route.matchesPath("/v2.1/x/agents")).as("* does not cross /").isFalse();
    assertThat(route.matchesPath("/version")).isFalse();
  }

  @Test
  void aQuestionMarkStandsForOneCharacterButSlash() {
    RouteSettings route = route("/v?.?/agents");

    assertThat(route.matchesPath("/v2.6/agents")).isTrue();
    assertThat(route.matchesPath("/v2.10/agents")).isFalse();
    assertThat(route.matchesPath("/v2/agents")).isFalse();
  }

  @Test
  void dotsInAPrefixAreLiteral() {
    assertThat(route("/v2.1/").matchesPath("/v2x1/agents")).isFalse();
  }

  @Test
  void methodsFilterAndNoMethodsMeansAll() {
    RouteSettings tenant = route("/v*/agents", "GET", "DELETE");

    assertThat(tenant.matches("GET", "/v2.1/agents/x")).isTrue();
    assertThat(tenant.matches("POST", "/v2.1/agents/x")).isFalse();
    assertThat(route("/version").matches("PATCH", "/version")).isTrue();
  }

  @Test
  void aPrefixMustStartWithASlash() {
    assertThatThrownBy(() -> route("v2.1/agents"))
        .hasMessage(
            "routes[].path-prefix: \"v2.1/agents\" (expected: a "
                + "path starting with /, e.g. /v2.1/agents/ or /v*/agents)");
  }

  @Test
  void anUnknownMethodIsRefused() {
    assertThatThrownBy(() -> route("/", "FETCH"))
        .hasMessage(
            "routes[].methods: \"FETCH\" (expected: some of GET, "
                + "HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, in upper case; leave methods out for all of them)");
  }

  @Test
  void aBackendWithAPathIsRefused() {
    assertThatThrownBy(() -> withBackend("http://127.0.0.1:8890/api", Optional.empty()))
        .hasMessage(
            "routes[].backend: http://127.0.0.1:8890/api has a path (expected: http://HOST:PORT only; "
                + "request paths are forwarded unchanged)");
  }

  @Test
  void anHttpsBackendNeedsTls() {
    assertThatThrownBy(() -> withBackend("https://127.0.0.1:8891", Optional.empty()))
        .hasMessageStartingWith(
            "routes[].backend: https://127.0.0.1:8891 is https but the route has no tls");
    assertThat(withBackend("https://127.0.0.1:8891", TLS).tls()).isEqualTo(TLS);
  }

  @Test
  void tlsToAPlainBackendIsRefused() {
    assertThatThrownBy(() -> withBackend("http://127.0.0.1:8890", TLS))
        .hasMessage(
            "routes[].tls: set, but the route's backend is http://127.0.0.1:8890 (expected: backend = "
                + "\"https://HOST:PORT\" with tls, or no tls)");
  }

  @Test
  void aZeroTimeoutIsRefused() {
    assertThatThrownBy(
            () ->
                new RouteSettings(
                    "/",
                    Set.of(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(Duration.ZERO),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessage("routes[].connect-timeout: PT0S (expected: > 0, e.g. 10s)");
  }

  @Test
  void aRouteIsDescribedByItsPrefixAndItsMethodsInOneFixedOrder() {
    assertThat(route("/v*/agents", "DELETE", "GET").describe()).isEqualTo("/v*/agents GET|DELETE");
    assertThat(route("/version").describe()).isEqualTo("/version");
    assertThat(
            RouteSettings.describe("/v2.1/", new LinkedHashSet<>(List.of("DELETE", "PUT", "GET"))))
        .isEqualTo("/v2.1/ GET|PUT|DELETE");
  }
}
