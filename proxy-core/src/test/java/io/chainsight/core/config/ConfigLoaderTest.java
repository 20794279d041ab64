package io.chainsight.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.config.TlsSettings.ClientAuth;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String TLS =
      "chainsight.tls { certificate-chain = chain.pem, private-key = key.pem, "
          + "trusted-cas = cas.pem }\n";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.createDirectories(path.getParent());
    return Files.writeString(path, content);
  }

  private ChainsightConfig load(String content) throws Exception {
    return ConfigLoader.load(Optional.of(file("chainsight.conf", content)), Map.of(), Map.of());
  }

  private List<String> problems(String content, Map<String, String> env) throws IOException {
    Path conf = file("chainsight.conf", content);
    try {
      ConfigLoader.load(Optional.of(conf), env, Map.of());
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException for:\n" + content);
  }

  private List<String> problems(String content) throws IOException {
    return problems(content, Map.of());
  }

  private String conf() {
    return dir.resolve("chainsight.conf").toString();
  }

  @Test
  void theKeysAreTheDocumentedContract() {
    assertThat(ConfigLoader.keys())
        .containsExactly(
            "access.allow",
            "admin.enabled",
            "admin.host",
            "admin.port",
            "admin.probes.enabled",
            "admin.probes.host",
            "admin.probes.port",
            "admin.token",
            "backend.connect-timeout",
            "backend.max-idle-connections",
            "backend.response-timeout",
            "backend.url",
            "diagnostics.dedup-window",
            "diagnostics.recent",
            "limits.idle-timeout",
            "limits.max-body-size",
            "limits.max-connections",
            "limits.max-connections-per-ip",
            "limits.max-header-size",
            "limits.max-headers",
            "limits.max-request-line",
            "limits.request-header-timeout",
            "listen.event-loops",
            "listen.host",
            "listen.port",
            "log.access",
            "log.format",
            "routes",
            "shutdown.drain-timeout",
            "tls.certificate-chain",
            "tls.client-auth",
            "tls.client-auth-failure",
            "tls.crls",
            "tls.handshake-timeout",
            "tls.private-key",
            "tls.protocols",
            "tls.session-ticket-rotation",
            "tls.trusted-cas");
  }

  @Test
  void everyKeyHasAnEnvironmentVariableThatReferenceConfDocuments() throws IOException {
    String reference;
    try (InputStream in =
        ConfigLoader.class.getClassLoader().getResourceAsStream("reference.conf")) {
      reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ConfigLoader.envName("tls.certificate-chain"))
        .isEqualTo("CHAINSIGHT_TLS_CERTIFICATE_CHAIN");
    assertThat(ConfigLoader.envName("backend.url")).isEqualTo("CHAINSIGHT_BACKEND_URL");
    for (String key : ConfigLoader.keys()) {
      if (ConfigLoader.fileOnly(key)) {
        assertThat(reference).as("no env var for " + key).doesNotContain(ConfigLoader.envName(key));
      } else {
        assertThat(reference).as("env var of " + key).contains("env: " + ConfigLoader.envName(key));
      }
    }
    assertThat(ConfigLoader.keys())
        .filteredOn(ConfigLoader::fileOnly)
        .containsExactly("access.allow", "routes");
    assertThat(reference)
        .contains("Config file only (a list of objects does not fit in an environment variable)");
    assertThat(new HashSet<>(ConfigLoader.keys().stream().map(ConfigLoader::envName).toList()))
        .hasSize(ConfigLoader.keys().size());
  }

  @Test
  void defaultsFillEverythingButTheRequiredPaths() throws Exception {
    ChainsightConfig config = load(TLS);

    assertThat(config.listen()).isEqualTo(new ListenSettings("0.0.0.0", 8443));
    assertThat(config.tls().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(config.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(config.tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.tls().clientAuthFailure()).isEqualTo(TlsSettings.ClientAuthFailure.ALERT);
    assertThat(config.tls().crls()).isEmpty();
    assertThat(config.backend())
        .isEqualTo(
            new BackendSettings(
                URI.create("http://127.0.0.1:8890"),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                64));
    assertThat(config.admin())
        .isEqualTo(new AdminSettings(true, "127.0.0.1", 9901, Optional.empty()));
    assertThat(config.diagnostics())
        .isEqualTo(new DiagnosticsSettings(Duration.ofSeconds(60), 200));
    assertThat(config.log()).isEqualTo(new LogSettings(LogSettings.Format.TEXT, false));
    assertThat(config.source()).contains(dir.resolve("chainsight.conf"));
  }

  @Test
  void fileValuesOverrideDefaults() throws Exception {
    ChainsightConfig config =
        load(
            TLS
                + "chainsight {\n"
                + "  listen { host = 127.0.0.1, port = 9443, event-loops = 2 }\n"
                + "  tls { client-auth = optional, protocols = [TLSv1.3], handshake-timeout = 3s, crls = [a.crl, b.crl] }\n"
                + "  tls.session-ticket-rotation = 10m\n"
                + "  backend.url = \"http://10.0.0.5:8891\"\n"
                + "  admin { enabled = false, token = s3cret }\n"
                + "  log { format = json, access = true }\n"
                + "}\n");

    assertThat(config.listen()).isEqualTo(new ListenSettings("127.0.0.1", 9443, 2));
    assertThat(config.tls().clientAuth()).isEqualTo(ClientAuth.OPTIONAL);
    assertThat(config.tls().sessionTicketRotation()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.tls().protocols()).containsExactly("TLSv1.3");
    assertThat(config.tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.tls().crls()).containsExactly(dir.resolve("a.crl"), dir.resolve("b.crl"));
    assertThat(config.backend().address()).isEqualTo("10.0.0.5:8891");
    assertThat(config.admin().enabled()).isFalse();
    assertThat(config.admin().token()).contains("s3cret");
    assertThat(config.log()).isEqualTo(new LogSettings(LogSettings.Format.JSON, true));
  }

  @Test
  void environmentOverridesTheFileAndIsNamedAsTheOrigin() throws Exception {
    Path conf =
        file(
            "chainsight.conf",
            TLS + "chainsight.listen.port = 9443\nchainsight.listen.host = 127.0.0.1\n");
    EffectiveConfig effective =
        ConfigLoader.loadEffective(
            Optional.of(conf),
            Map.of(
                "CHAINSIGHT_LISTEN_PORT",
                "10443",
                "CHAINSIGHT_TLS_PROTOCOLS",
                "TLSv1.3, TLSv1.2",
                "CHAINSIGHT_JAVA_OPTS",
                "-Xmx64m"),
            Map.of());

    assertThat(effective.config().listen().port()).isEqualTo(10443);
    assertThat(effective.config().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(effective.entries())
        .contains(
            new EffectiveConfig.Entry(
                "listen.port", "\"10443\"", "environment variable CHAINSIGHT_LISTEN_PORT"),
            new EffectiveConfig.Entry("listen.host", "\"127.0.0.1\"", conf + ":3"),
            new EffectiveConfig.Entry("backend.url", "\"http://127.0.0.1:8890\"", "default"));
  }

  @Test
  void overridesBeatTheEnvironment() throws Exception {
    ChainsightConfig config =
        ConfigLoader.load(
            Optional.of(file("chainsight.conf", TLS)),
            Map.of("CHAINSIGHT_LISTEN_PORT", "10443"),
            Map.of("listen.port", "11443", "chainsight.admin.port", "0"));

    assertThat(config.listen().port()).isEqualTo(11443);
    assertThat(config.admin().port()).isZero();
  }

  @Test
  void withoutAFileTheEnvironmentAndDefaultsAreEnough() throws Exception {
    ChainsightConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "CHAINSIGHT_TLS_CERTIFICATE_CHAIN", "/certs/chain.pem",
                "CHAINSIGHT_TLS_PRIVATE_KEY", "/certs/key.pem",
                "CHAINSIGHT_TLS_CLIENT_AUTH", "none"),
            Map.of());

    assertThat(config.tls().certificateChain()).isEqualTo(Path.of("/certs/chain.pem"));
    assertThat(config.tls().trustedCas()).isEmpty();
    assertThat(config.source()).isEmpty();
  }

  @Test
  void relativePathsResolveAgainstTheFileDirectoryOrTheWorkingDirectory() throws Exception {
    Path conf =
        file(
            "etc/chainsight.conf",
            "chainsight.tls { certificate-chain = certs/chain.pem, "
                + "private-key = \"../keys/key.pem\", trusted-cas = /abs/cas.pem }\n");

    ChainsightConfig config =
        ConfigLoader.load(
            Optional.of(conf), Map.of("CHAINSIGHT_TLS_CRLS", "crl/one.pem"), Map.of());

    assertThat(config.tls().certificateChain()).isEqualTo(dir.resolve("etc/certs/chain.pem"));
    assertThat(config.tls().privateKey()).isEqualTo(dir.resolve("keys/key.pem"));
    assertThat(config.tls().trustedCas()).contains(Path.of("/abs/cas.pem"));
    assertThat(config.tls().crls()).containsExactly(Path.of("crl/one.pem").toAbsolutePath());
  }

  @Test
  void aWrongTypeNamesTheKeyTheValueItsLineAndAnExample() throws IOException {
    assertThat(problems(TLS + "chainsight.listen.port = \"abc\"\n"))
        .containsExactly(
            "listen.port: \"abc\" (expected: an integer, e.g. 8443), at " + conf() + ":2");
  }

  @Test
  void zeroEventLoopsIsRefused() throws IOException {
    assertThat(problems(TLS + "chainsight.listen.event-loops = 0\n"))
        .containsExactly("listen.event-loops: 0 (expected: >= 1), at " + conf() + ":2");
  }

  @Test
  void aSessionTicketRotationUnderASecondIsRefused() throws IOException {
    assertThat(problems(TLS + "chainsight.tls.session-ticket-rotation = 500ms\n"))
        .containsExactly(
            "tls.session-ticket-rotation: 500ms (expected: at least 1s, e.g. 1h), at "
                + conf()
                + ":2");
  }

  @Test
  void aBadDurationNamesTheKeyAndTheDurationForm() throws IOException {
    assertThat(problems(TLS + "chainsight.tls.handshake-timeout = ten\n"))
        .containsExactly(
            "tls.handshake-timeout: \"ten\" (expected: a duration such as 10s, 500ms or 2m), at "
                + conf()
                + ":2");
  }

  @Test
  void aWrongTypeFromTheEnvironmentNamesTheVariable() throws IOException {
    assertThat(problems(TLS, Map.of("CHAINSIGHT_ADMIN_PORT", "nine")))
        .containsExactly(
            "admin.port: \"nine\" (expected: an integer, e.g. 9901), from environment variable CHAINSIGHT_ADMIN_PORT");
  }

  @Test
  void anUnknownChoiceListsTheChoices() throws IOException {
    assertThat(problems(TLS + "chainsight.tls.client-auth = required\n"))
        .containsExactly(
            "tls.client-auth: \"required\" (expected: one of require, optional, none), at "
                + conf()
                + ":2");
  }

  @Test
  void aRecordCheckGetsTheOriginAppended() throws IOException {
    assertThat(problems(TLS + "chainsight.listen.port = 70000\n"))
        .containsExactly("listen.port: 70000 (expected: 0-65535), at " + conf() + ":2");
    assertThat(problems(TLS + "chainsight.backend.url = \"https://registrar:8891\"\n"))
        .containsExactly(
            "backend.url: https://registrar:8891 (expected: http://HOST:PORT, e.g. http://127.0.0.1:8890), at "
                + conf()
                + ":2");
  }

  @Test
  void anUnknownKeyIsAnErrorWithTheClosestKnownKey() throws IOException {
    assertThat(problems(TLS + "chainsight {\n  tls {\n    client_auth = none\n  }\n}\n"))
        .containsExactly(
            "tls.client_auth: unknown key (did you mean tls.client-auth?), at " + conf() + ":4");
  }

  @Test
  void anUnknownKeyFarFromAnyKnownOneListsItsSection() throws IOException {
    assertThat(problems(TLS + "chainsight.listen.interface = eth0\n"))
        .containsExactly(
            "listen.interface: unknown key (expected: one of listen.event-loops, listen.host,"
                + " listen.port), at "
                + conf()
                + ":2");
  }

  @Test
  void aSectionOutsideChainsightIsCaught() throws IOException {
    assertThat(problems(TLS + "listen { port = 9443 }\n"))
        .containsExactly(
            "listen: found at the top level, outside chainsight { } (expected: chainsight { listen { ... } }; "
                + "move it inside), at "
                + conf()
                + ":2");
  }

  @Test
  void aValueWhereASectionBelongsIsOneProblem() throws IOException {
    assertThat(problems(TLS + "chainsight.backend = \"http://127.0.0.1:8890\"\n"))
        .containsExactly(
            "backend: \"http://127.0.0.1:8890\" (expected: an object with backend.connect-timeout, "
                + "backend.max-idle-connections, backend.response-timeout, backend.url), at "
                + conf()
                + ":2");
  }

  @Test
  void aMissingConfigFileSaysSo() {
    Path missing = dir.resolve("nope.conf");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems())
        .isEqualTo(
            List.of(
                missing
                    + " does not exist (expected: a HOCON config file; check the path given with "
                    + "-c/--config or CHAINSIGHT_CONFIG)"));
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLine() throws IOException {
    assertThat(problems("chainsight {\n  listen {\n    port = \n"))
        .singleElement()
        .asString()
        .startsWith(conf() + ":4: HOCON syntax error: ")
        .endsWith("(expected: valid HOCON, e.g. chainsight { listen { port = 8443 } })");
  }

  @Test
  void anUndefinedSubstitutionNamesTheFileAndLine() throws IOException {
    assertThat(problems(TLS + "chainsight.admin.token = ${ADMIN_TOKEN_NOT_DEFINED_ANYWHERE}\n"))
        .singleElement()
        .asString()
        .startsWith(conf() + ":2: ")
        .contains("${ADMIN_TOKEN_NOT_DEFINED_ANYWHERE}")
        .endsWith("write ${?NAME} for one that may be absent)");
  }

  @Test
  void anUnsupportedProtocolIsRefused() throws IOException {
    assertThat(problems(TLS + "chainsight.tls.protocols = [TLSv1.3, TLSv1.1]\n"))
        .containsExactly(
            "tls.protocols: \"TLSv1.1\" is not supported (expected: one or more of [TLSv1.3, TLSv1.2]; older versions "
                + "are insecure), at "
                + conf()
                + ":2");
  }

  @Test
  void requireWithoutTrustedCasIsRefused() throws IOException {
    assertThat(
            problems("chainsight.tls { certificate-chain = chain.pem, private-key = key.pem }\n"))
        .containsExactly(
            "tls.trusted-cas: not set, but tls.client-auth = require (expected: a PEM bundle of the "
                + "CAs that issue client certificates, or tls.client-auth = none)");
  }

  @Test
  void missingRequiredPathsAreEachNamedWithTheirVariable() throws IOException {
    assertThat(problems("chainsight.tls.client-auth = none\n"))
        .containsExactly(
            "tls.certificate-chain: not set (expected: the path of a PEM file; set tls.certificate-chain in the config "
                + "file or CHAINSIGHT_TLS_CERTIFICATE_CHAIN in the environment)",
            "tls.private-key: not set (expected: the path of a PEM file; set tls.private-key in the config file or "
                + "CHAINSIGHT_TLS_PRIVATE_KEY in the environment)");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    assertThat(
            problems(
                "chainsight {\n"
                    + "  listen.port = abc\n"
                    + "  listen.host = \"\"\n"
                    + "  tls.handshake-timeout = ten\n"
                    + "  backend.connect_timeout = 1s\n"
                    + "}\n"))
        // the four above, the two required paths, and trusted-cas under client-auth = require
        .hasSize(7)
        .anyMatch(p -> p.startsWith("backend.connect_timeout: unknown key"))
        .anyMatch(p -> p.startsWith("listen.host: \"\" (expected: a non-empty value)"))
        .anyMatch(p -> p.startsWith("tls.trusted-cas: not set"));
  }

  @Test
  void anUnknownOverrideIsAnError() throws IOException {
    Path conf = file("chainsight.conf", TLS);
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.of(conf), Map.of(), Map.of("listen.prot", "1")))
        .extracting(e -> ((ConfigException) e).problems())
        .isEqualTo(
            List.of(
                "listen.prot: unknown key (did you mean listen.port?), from command-line option"));
  }

  @Test
  void renderShowsEffectiveValuesAndOriginsWithSecretsRedacted() throws Exception {
    Path conf = file("chainsight.conf", TLS + "chainsight.admin.token = s3cret\n");
    String rendered =
        ConfigLoader.loadEffective(Optional.of(conf), Map.of(), Map.of()).render(true);

    assertThat(rendered)
        .contains("admin.token = <redacted>  # " + conf + ":2\n")
        .contains("tls.private-key = <redacted>  # " + conf + ":1\n")
        .contains(
            "tls.certificate-chain = \"" + dir.resolve("chain.pem") + "\"  # " + conf + ":1\n")
        .contains("tls.crls = []  # default\n")
        .contains("listen.port = 8443  # default\n")
        .doesNotContain("s3cret");
    assertThat(rendered.lines()).hasSize(ConfigLoader.keys().size());
  }

  @Test
  void theExampleConfigsLoad() throws Exception {
    Path examples = Path.of("..", "config").toAbsolutePath().normalize();

    ChainsightConfig demo =
        ConfigLoader.load(Optional.of(examples.resolve("demo.conf")), Map.of(), Map.of());
    assertThat(demo.listen()).isEqualTo(new ListenSettings("127.0.0.1", 8443));
    assertThat(demo.tls().certificateChain())
        .isEqualTo(examples.resolveSibling("certs-example").resolve("registrar-chain.pem"));
    assertThat(demo.admin().port()).isEqualTo(9901);

    ChainsightConfig production =
        ConfigLoader.load(Optional.of(examples.resolve("chainsight.conf")), Map.of(), Map.of());
    assertThat(production.tls().certificateChain()).startsWithRaw(Path.of("/etc/chainsight"));
    assertThat(production.tls().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
  }
}
