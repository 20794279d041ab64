package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.access.AccessPolicy;
import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.certs.Pem;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code config/keylime-registrar.conf} from the repository: it loads, its files load as
 * check-config loads them, each Keylime request lands on the route meant for it, and its rules let
 * the tenant in and nobody else.
 */
class KeylimeRegistrarPresetTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path CERTS = REPO.resolve("certs-example");
  private static final String UUID = ExamplePki.AGENT_UUID;

  private static ChainsightConfig preset;

  @BeforeAll
  static void load() throws Exception {
    preset =
        ConfigLoader.load(
            Optional.of(REPO.resolve("config/keylime-registrar.conf")), Map.of(), Map.of());
  }

  /**
   * The route a request takes, ranked as the proxy ranks them: longest path-prefix first, ties as
   * written.
   */
  private static Optional<Integer> route(String method, String path) {
    List<RouteSettings> routes = preset.routes();
    return IntStream.range(0, routes.size())
        .boxed()
        .sorted(
            Comparator.comparingInt((Integer i) -> routes.get(i).pathPrefix().length()).reversed())
        .filter(i -> routes.get(i).matches(method, path))
        .findFirst();
  }

  private static X509Certificate leaf(ExamplePkiFile file) throws Exception {
    return Pem.readCertificates(file.in(CERTS)).get(0);
  }

  @Test
  void itsFilesLoadAsCheckConfigLoadsThem() throws Exception {
    TlsMaterial served = TlsMaterial.load(preset.tls());
    RouteSettings admin = preset.routes().get(2);
    BackendTlsMaterial toRegistrar =
        BackendTlsMaterial.load("routes[2].tls", admin.tls().orElseThrow());

    assertThat(served.chain())
        .extracting(Certificates::subject)
        .startsWith(ExamplePki.REGISTRAR_SUBJECT);
    assertThat(toRegistrar.leaf())
        .map(Certificates::subject)
        .contains(ExamplePki.PROXY_CLIENT_SUBJECT);
    assertThat(toRegistrar.trustAnchors())
        .extracting(Certificates::subject)
        .containsExactly(ExamplePki.ROOT_SUBJECT);
  }

  @Test
  void agentRoutesGoToThePlainPortWithoutRequiringACertificate() {
    for (String[] request :
        new String[][] {
          {"GET", "/version"},
          {"GET", "/v3.0/"},
          {"POST", "/v2.1/agents/" + UUID},
          {"PUT", "/v2.1/agents/" + UUID + "/activate"},
          {"PUT", "/v2.0/agents/" + UUID},
          {"POST", "/v3.0/agents"},
          {"POST", "/v3.0/agents/" + UUID + "/activate"}
        }) {
      RouteSettings route = preset.routes().get(route(request[0], request[1]).orElseThrow());
      assertThat(route.backend())
          .as(String.join(" ", request))
          .contains(URI.create("http://127.0.0.1:8890"));
      assertThat(route.clientAuth()).as(String.join(" ", request)).contains(ClientAuth.OPTIONAL);
    }
  }

  @Test
  void tenantRoutesGoToTheTlsPortRequiringACertificate() {
    for (String[] request :
        new String[][] {
          {"GET", "/v2.1/agents/"},
          {"GET", "/v3.0/agents"},
          {"GET", "/v2.6/agents/" + UUID},
          {"DELETE", "/v2.1/agents/" + UUID}
        }) {
      assertThat(route(request[0], request[1])).as(String.join(" ", request)).contains(2);
    }
    RouteSettings admin = preset.routes().get(2);
    assertThat(admin.backend()).contains(URI.create("https://127.0.0.1:8891"));
    assertThat(admin.clientAuth()).contains(ClientAuth.REQUIRE);
    assertThat(admin.tls().orElseThrow().serverName()).contains("registrar.keylime.test");
  }

  @Test
  void theV3SupportCheckHasItsOwnRouteThatTenantRoutesOutrank() {
    assertThat(route("GET", "/v3.0/")).contains(3);
    assertThat(route("GET", "/v3.0/agents")).contains(2);
    assertThat(route("GET", "/v3.0/agents/" + UUID)).contains(2);
    assertThat(route("DELETE", "/v3.0/")).isEmpty();
  }

  @Test
  void anythingElseIsNotRouted() {
    assertThat(route("PATCH", "/v2.1/agents/" + UUID)).isEmpty();
    assertThat(route("GET", "/metrics")).isEmpty();
    assertThat(route("POST", "/version")).isEmpty();
  }

  @Test
  void theAdminRulesAllowTheTenantAndNotTheAgent() throws Exception {
    AccessPolicy admin = AccessPolicy.of(preset.routes().get(2).allow().orElseThrow());

    assertThat(admin.evaluate(leaf(ExamplePkiFile.TENANT_CERT)).allowed()).isTrue();
    AccessPolicy.Decision agent = admin.evaluate(leaf(ExamplePkiFile.AGENT_CERT));
    assertThat(agent.allowed()).isFalse();
    assertThat(agent.explanation())
        .isEqualTo(
            "authenticated as CN="
                + UUID
                + ",O=chainsight example, SANs "
                + "[DNS:agent.keylime.test]; no rule matched (tried: #1 {subject-cn = \"keylime-tenant\", "
                + "issuer-cn = \"chainsight example intermediate CA\"})");
  }

  @Test
  void agentRoutesHaveNoRulesOfTheirOwnAndThereAreNoGlobalOnes() {
    assertThat(preset.allow()).isEmpty();
    assertThat(preset.routes().get(0).allow()).isEmpty();
    assertThat(preset.routes().get(1).allow()).isEmpty();
    assertThat(preset.routes().get(3).allow()).isEmpty();
  }
}
