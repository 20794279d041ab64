package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chainsight.core.access.AccessRule;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading {@code access.allow} and {@code routes}: lists of objects, from the file only, checked
 * key by key.
 */
class AccessAndRoutesConfigTest {
  /** One line, so the test's own lines start at 2. */
  private static final String TLS =
      "chainsight.tls { certificate-chain = chain.pem, private-key = key.pem, "
          + "trusted-cas = cas.pem }\n";

  @TempDir Path dir;

  private Path conf() {
    return dir.resolve("etc/chainsight.conf");
  }

  private ChainsightConfig load(String content) throws Exception {
    Files.createDirectories(conf().getParent());
    return ConfigLoader.load(
        Optional.of(Files.writeString(conf(), TLS + content)), Map.of(), Map.of());
  }

  private List<String> problems(
      String content, Map<String, String> env, Map<String, String> overrides) throws IOException {
    Files.createDirectories(conf().getParent());
    Files.writeString(conf(), TLS + content);
    try {
      ConfigLoader.load(Optional.of(conf()), env, overrides);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for:\n" + content);
  }

  private List<String> problems(String content) throws IOException {
    return problems(content, Map.of(), Map.of());
  }

  private String at(int line) {
    return ", at " + conf() + ":" + line;
  }

  // ---- what is read ----

  @Test
  void withoutEitherListThereAreNoRulesAndNoRoutes() throws Exception {
    ChainsightConfig config = load("");

    assertThat(config.allow()).isEmpty();
    assertThat(config.routes()).isEmpty();
  }

  @Test
  void globalRulesAreReadInOrderByTheirSettingNames() throws Exception {
    ChainsightConfig config =
        load(
            "chainsight.access.allow = [\n"
                + "  { subject-cn = \"keylime-tenant\", issuer-cn = \"Keylime CA\" }\n"
                + "  { san-uri = \"spiffe://keylime.example/admin/*\" }\n"
                + "  { san-ip = 192.0.2.10 }\n"
                + "]\n");

    assertThat(config.allow())
        .extracting(AccessRule::fields)
        .containsExactly(
            Map.of("subject-cn", "keylime-tenant", "issuer-cn", "Keylime CA"),
            Map.of("san-uri", "spiffe://keylime.example/admin/*"),
            Map.of("san-ip", "192.0.2.10"));
  }

  @Test
  void aRouteIsReadWithEveryFieldAndItsTlsPathsResolvedAgainstTheFile() throws Exception {
    ChainsightConfig config =
        load(
            "chainsight.routes = [\n"
                + "  { path-prefix = \"/v*/agents\", methods = [get, Delete], backend = \"https://127.0.0.1:8891\"\n"
                + "    client-auth = require, connect-timeout = 1s, response-timeout = 30s\n"
                + "    access.allow = [ { subject-cn = \"keylime-tenant\" } ]\n"
                + "    tls { certificate-chain = \"../certs/proxy-client-cert.pem\", private-key = proxy-client-key.pem\n"
                + "          trusted-cas = /var/lib/keylime/cv_ca/cacert.crt, server-name = registrar.keylime.test } }\n"
                + "]\n");

    RouteSettings route = config.routes().get(0);
    assertThat(route.pathPrefix()).isEqualTo("/v*/agents");
    assertThat(route.methods()).containsExactlyInAnyOrder("GET", "DELETE");
    assertThat(route.backend()).contains(URI.create("https://127.0.0.1:8891"));
    assertThat(route.clientAuth()).contains(ClientAuth.REQUIRE);
    assertThat(route.connectTimeout()).contains(Duration.ofSeconds(1));
    assertThat(route.responseTimeout()).contains(Duration.ofSeconds(30));
    assertThat(route.allow())
        .hasValueSatisfying(
            rules ->
                assertThat(rules)
                    .singleElement()
                    .extracting(AccessRule::subjectCn)
                    .isEqualTo(Optional.of("keylime-tenant")));
    assertThat(route.tls())
        .contains(
            new BackendTlsSettings(
                Optional.of(dir.resolve("certs/proxy-client-cert.pem")),
                    Optional.of(dir.resolve("etc/proxy-client-key.pem")),
                Path.of("/var/lib/keylime/cv_ca/cacert.crt"),
                    Optional.of("registrar.keylime.test")));
  }

  @Test
  void whatARouteLeavesOutIsEmptySoTheGlobalSettingsApply() throws Exception {
    ChainsightConfig config = load("chainsight.routes = [ { path-prefix = /version } ]\n");

    assertThat(config.routes())
        .containsExactly(
            new RouteSettings(
                "/version",
                java.util.Set.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
  }

  @Test
  void anEmptyAllowListOnARouteIsKeptApartFromNoList() throws Exception {
    ChainsightConfig config =
        load(
            "chainsight.access.allow = [ { subject-cn = admin } ]\n"
                + "chainsight.routes = [ { path-prefix = /version, access.allow = [] }, { path-prefix = /v } ]\n");

    assertThat(config.routes().get(0).allow()).contains(List.of());
    assertThat(config.routes().get(1).allow()).isEmpty();
  }

  @Test
  void theEffectiveConfigShowsTheListsAsWritten() throws Exception {
    Files.createDirectories(conf().getParent());
    Files.writeString(
        conf(), TLS + "chainsight.routes = [ { path-prefix = /version, methods = [GET] } ]\n");

    String rendered =
        ConfigLoader.loadEffective(Optional.of(conf()), Map.of(), Map.of()).render(true);

    assertThat(rendered)
        .contains(
            "routes = [{\"methods\":[\"GET\"],\"path-prefix\":\"/version\"}]  # " + conf() + ":2\n")
        .contains("access.allow = []  # default\n");
  }

  // ---- unknown keys, with the list index ----

  @Test
  void anUnknownRouteKeyNamesTheIndexAndTheClosestKey() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [\n"
                    + "  { path-prefix = /version }\n"
                    + "  { path-prefix = /v, client_auth = optional }\n"
                    + "]\n"))
        .containsExactly(
            "routes[1].client_auth: unknown key (did you mean routes[1].client-auth?)" + at(4));
  }

  @Test
  void anUnknownKeyInARoutesTlsIsCaughtToo() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v, backend = \"https://127.0.0.1:8891\"\n"
                    + "  tls { trusted_cas = ca.pem } } ]\n"))
        .contains(
            "routes[0].tls.trusted_cas: unknown key (did you mean routes[0].tls.trusted-cas?)"
                + at(3));
  }

  @Test
  void aRouteKeyFarFromAnyKnownOneListsTheRouteKeys() throws IOException {
    assertThat(problems("chainsight.routes = [ { path-prefix = /v, weight = 3 } ]\n"))
        .containsExactly(
            "routes[0].weight: unknown key (expected: one of routes[0].path-prefix, routes[0].methods, "
                + "routes[0].backend, routes[0].client-auth, routes[0].access, routes[0].connect-timeout, "
                + "routes[0].response-timeout, routes[0].tls)"
                + at(2));
  }

  @Test
  void aShortNameForARuleFieldSuggestsTheFullOne() throws IOException {
    assertThat(problems("chainsight.access.allow = [ { cn = keylime-tenant } ]\n"))
        .containsExactly(
            "access.allow[0].cn: unknown key (did you mean access.allow[0].subject-cn?)" + at(2));
  }

  @Test
  void anUnknownKeyInARoutesRuleNamesBothIndexes() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v\n"
                    + "  access.allow = [ { subject-cn = a }, { subject_cn = b } ] } ]\n"))
        .containsExactly(
            "routes[0].access.allow[1].subject_cn: unknown key (did you mean routes[0].access.allow[1].subject-cn?)"
                + at(3));
  }

  @Test
  void allowOutsideAccessIsPointedToAccessAllow() throws IOException {
    assertThat(
            problems(
                "chainsight.allow = []\nchainsight.routes = [ { path-prefix = /v, allow = [] } ]\n"))
        .containsExactly(
            "allow: unknown key (did you mean access.allow?)" + at(2),
            "routes[0].allow: unknown key (did you mean routes[0].access.allow?)" + at(3));
  }

  // ---- values ----

  @Test
  void anEmptyRuleIsAnErrorAtItsLine() throws IOException {
    assertThat(problems("chainsight.access.allow = [\n  { subject-cn = a }\n  {}\n]\n"))
        .containsExactly(
            "access.allow[1]: empty rule (expected: at least one of subject-cn, subject, ou, san-dns, san-uri, san-ip, "
                + "issuer-cn, spki-sha256, fingerprint-sha256; an empty list allows every verified certificate)"
                + at(4));
  }

  @Test
  void aMalformedPinInARoutesRuleNamesTheRouteTheRuleAndTheField() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v\n"
                    + "  access.allow = [ { spki-sha256 = \"abc\" } ] } ]\n"))
        .singleElement()
        .asString()
        .startsWith(
            "routes[0].access.allow[0].spki-sha256: \"abc\" (expected: the SHA-256 of the certificate's "
                + "public key")
        .endsWith(at(3));
  }

  @Test
  void aRuleFieldGivenAsAListSaysToWriteOneRuleEach() throws IOException {
    assertThat(problems("chainsight.access.allow = [ { subject-cn = [a, b] } ]\n"))
        .containsExactly(
            "access.allow[0].subject-cn: [\"a\",\"b\"] (expected: one string; for several values write one rule each: "
                + "any rule allows)"
                + at(2));
  }

  @Test
  void aRouteWithoutPathPrefixIsAnError() throws IOException {
    assertThat(problems("chainsight.routes = [\n  { methods = [GET] }\n]\n"))
        .containsExactly(
            "routes[0].path-prefix: not set (expected: a path starting with /, e.g. /v2.1/agents/ or /v*/agents)"
                + at(3));
  }

  @Test
  void anUnknownMethodIsAnErrorAtItsLine() throws IOException {
    assertThat(problems("chainsight.routes = [ { path-prefix = /v\n  methods = [GET, fetch] } ]\n"))
        .containsExactly(
            "routes[0].methods: \"FETCH\" (expected: some of GET, HEAD, POST, PUT, DELETE, PATCH, "
                + "OPTIONS, TRACE, in upper case; leave methods out for all of them)"
                + at(3));
  }

  @Test
  void anHttpsBackendWithoutTlsIsAnErrorAtTheBackendLine() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v\n  backend = \"https://127.0.0.1:8891\" } ]\n"))
        .containsExactly(
            "routes[0].backend: https://127.0.0.1:8891 is https but the route has no "
                + "tls { trusted-cas = ... } (expected: the CA that issued the backend's certificate)"
                + at(3));
  }

  @Test
  void aRoutesTlsWithoutTrustedCasIsAnError() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v, backend = \"https://127.0.0.1:8891\"\n"
                    + "  tls { server-name = registrar } } ]\n"))
        .containsExactly(
            "routes[0].tls.trusted-cas: not set (expected: the PEM file of the CA that issued the backend's "
                + "certificate; for a Keylime registrar, its CA certificate, e.g. /var/lib/keylime/cv_ca/cacert.crt)"
                + at(3));
  }

  @Test
  void aClientCertificateWithoutKeyIsAnError() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v, backend = \"https://127.0.0.1:8891\"\n"
                    + "  tls { trusted-cas = ca.pem, certificate-chain = client.pem } } ]\n"))
        .containsExactly(
            "routes[0].tls: certificate-chain and private-key must be set together (expected: both, for the proxy's "
                + "client certificate, or neither)"
                + at(3));
  }

  @Test
  void aBadRouteValueIsReportedWithTheOthersOfTheSameRoute() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [ { path-prefix = /v\n"
                    + "  client-auth = maybe\n"
                    + "  response-timeout = soon } ]\n"))
        .containsExactly(
            "routes[0].client-auth: \"maybe\" (expected: require or optional)" + at(3),
            "routes[0].response-timeout: \"soon\" (expected: a duration such as 2s, 500ms or 1m)"
                + at(4));
  }

  @Test
  void aRouteHiddenByAnEarlierOneIsAnError() throws IOException {
    assertThat(
            problems(
                "chainsight.routes = [\n"
                    + "  { path-prefix = \"/v*/agents\", methods = [GET, DELETE] }\n"
                    + "  { path-prefix = \"/v*/agents\", methods = [POST, PUT] }\n"
                    + "  { path-prefix = \"/v*/agents\", methods = [DELETE] }\n"
                    + "]\n"))
        .containsExactly(
            "routes[2]: never used: routes[0] has the same path-prefix \"/v*/agents\" and takes its methods [DELETE] "
                + "(expected: a longer path-prefix, other methods, or one route; remove routes[2])"
                + at(5));
  }

  // ---- shapes and sources ----

  @Test
  void routesAsAnObjectIsOneProblemWithAnExample() throws IOException {
    assertThat(problems("chainsight.routes { path-prefix = /version }\n"))
        .containsExactly(
            "routes: {\"path-prefix\":\"/version\"} (expected: a list, not an object; e.g. routes = "
                + "[ { path-prefix = \"/version\", methods = [GET] } ])"
                + at(2));
  }

  @Test
  void aRouteThatIsNotAnObjectIsAnError() throws IOException {
    assertThat(problems("chainsight.routes = [ \"/version\" ]\n"))
        .containsExactly(
            "routes[0]: \"/version\" (expected: an object such as { path-prefix = \"/version\", methods = [GET] })"
                + at(2));
  }

  @Test
  void allowAsAStringIsAnError() throws IOException {
    assertThat(problems("chainsight.access.allow = keylime-tenant\n"))
        .containsExactly(
            "access.allow: \"keylime-tenant\" (expected: a list, e.g. access.allow = "
                + "[ { subject-cn = \"keylime-tenant\" } ])"
                + at(2));
  }

  @Test
  void theListsCannotComeFromTheEnvironment() throws IOException {
    assertThat(problems("", Map.of("CHAINSIGHT_ROUTES", "/version"), Map.of()))
        .containsExactly(
            "routes: set by environment variable CHAINSIGHT_ROUTES, but routes is read from the config file only "
                + "(expected: routes = [ { path-prefix = \"/version\", methods = [GET] } ] in the file; "
                + "unset CHAINSIGHT_ROUTES)");
  }

  @Test
  void theListsCannotComeFromTheCommandLine() throws IOException {
    assertThat(problems("", Map.of(), Map.of("access.allow", "x")))
        .containsExactly(
            "access.allow: given as a command-line option, but access.allow is read from the config file only "
                + "(expected: access.allow = [ { subject-cn = \"keylime-tenant\" } ] in the file)");
  }
}
