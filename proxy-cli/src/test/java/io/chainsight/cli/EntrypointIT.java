package io.chainsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.proxy.ForwardedHeaders;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.RecordingBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's entrypoint, run outside Docker as the image runs it: configured by environment
 * variables alone, in front of a recording backend, reached by curl with the example agent
 * certificate, stopped by SIGTERM.
 */
class EntrypointIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path pkiDir;

  @TempDir Path workDir;

  private RecordingBackend backend;
  private final List<Entrypoint.Running> started = new ArrayList<>();

  @BeforeAll
  static void pki() throws Exception {
    ExamplePki.generate(pkiDir, Instant.now());
  }

  @BeforeEach
  void startBackend() {
    backend = RecordingBackend.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Entrypoint.Running running : started) {
      running.close();
    }
    backend.close();
  }

  /** The environment of a container started with -e flags only: no config file anywhere. */
  private Entrypoint fromEnvironment() {
    return Entrypoint.in(workDir)
        .env("CHAINSIGHT_TLS_CERTIFICATE_CHAIN", file(ExamplePkiFile.REGISTRAR_CHAIN))
        .env("CHAINSIGHT_TLS_PRIVATE_KEY", file(ExamplePkiFile.REGISTRAR_KEY))
        .env("CHAINSIGHT_TLS_TRUSTED_CAS", file(ExamplePkiFile.TRUSTED_CAS))
        .env("CHAINSIGHT_BACKEND_URL", "http://127.0.0.1:" + backend.port())
        .env("CHAINSIGHT_LISTEN_HOST", "127.0.0.1")
        .env("CHAINSIGHT_LISTEN_PORT", "0")
        .env("CHAINSIGHT_ADMIN_PORT", "0");
  }

  private static String file(ExamplePkiFile file) {
    return file.in(pkiDir).toString();
  }

  private Entrypoint.Running start(Entrypoint entrypoint) throws Exception {
    Entrypoint.Running running = entrypoint.start();
    started.add(running);
    return running;
  }

  private static Command.Result curlAsAgent(int port, String path) {
    return Command.run(
        List.of(
            "curl",
            "-sS",
            "--max-time",
            "10",
            "--cacert",
            file(ExamplePkiFile.AGENT_CA),
            "--cert",
            file(ExamplePkiFile.AGENT_CERT),
            "--key",
            file(ExamplePkiFile.AGENT_KEY),
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "https://localhost:" + port + path),
        null,
        20);
  }

  @Test
  void environmentVariablesAloneStartTheProxyAndAnAgentGets200() throws Exception {
    Entrypoint.Running proxy = start(fromEnvironment());
    int port = proxy.awaitListening(START);

    Command.Result curl = curlAsAgent(port, "/version");

    assertThat(curl.stdout()).as(curl.stderr()).isEqualTo("200");
    assertThat(backend.last().target()).isEqualTo("/version");
    assertThat(backend.last().header(ForwardedHeaders.X_FORWARDED_CLIENT_CERT))
        .contains(ExamplePki.AGENT_UUID);
  }

  @Test
  void theScriptExecsTheJvmWithTheSidecarFlagsSoSigtermDrainsAndExitsZero() throws Exception {
    Entrypoint.Running proxy = start(fromEnvironment());
    proxy.awaitListening(START);

    // The process the container runtime signals is java itself, not a shell waiting on it.
    ProcessHandle.Info info = proxy.process().toHandle().info();
    assertThat(info.command())
        .hasValueSatisfying(command -> assertThat(command).endsWith("/bin/java"));
    assertThat(info.arguments())
        .hasValueSatisfying(
            arguments ->
                assertThat(arguments)
                    .containsSubsequence(
                        "-XX:MaxRAMPercentage=50",
                        "-XX:+UseSerialGC",
                        "-Xss512k",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-jar",
                        Entrypoint.JAR.toString(),
                        "run"));

    assertThat(proxy.terminate(Duration.ofSeconds(30))).as("exit code after SIGTERM").isZero();
    assertThat(proxy.stderr()).contains("draining: no new connections");
  }

  @Test
  void trainArchiveRecordsTheArchiveThatRunThenStartsFrom() throws Exception {
    Path archive = workDir.resolve("chainsight.jsa");

    Command.Result trained =
        Entrypoint.in(workDir).env("CHAINSIGHT_ARCHIVE", archive.toString()).run("train-archive");

    assertThat(trained.exitCode()).as(trained.stderr()).isZero();
    assertThat(trained.stderr())
        .contains("trained: 100 new mTLS connections and 2000 keep-alive requests")
        .contains("chainsight entrypoint: recorded " + archive);
    assertThat(archive).isNotEmptyFile();

    Entrypoint.Running proxy =
        start(fromEnvironment().env("CHAINSIGHT_ARCHIVE", archive.toString()));
    int port = proxy.awaitListening(START);
    assertThat(proxy.process().toHandle().info().arguments())
        .hasValueSatisfying(
            arguments ->
                assertThat(arguments)
                    .contains(
                        (Runtime.version().feature() >= 25
                                ? "-XX:AOTCache="
                                : "-XX:SharedArchiveFile=")
                            + archive,
                        "run"));
    assertThat(curlAsAgent(port, "/version").stdout()).isEqualTo("200");
    assertThat(proxy.stderr())
        .as("the JVM took the archive without a warning")
        .doesNotContain("cds");
  }

  @Test
  void javaOptsReplacesTheDefaultJvmFlags() throws Exception {
    Entrypoint.Running proxy =
        start(fromEnvironment().env("JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC"));
    proxy.awaitListening(START);

    assertThat(proxy.process().toHandle().info().arguments())
        .hasValueSatisfying(
            arguments ->
                assertThat(arguments)
                    .contains("-Xmx64m")
                    .doesNotContain("-XX:MaxRAMPercentage=50"));
  }

  @Test
  void jsonLogFormatWritesOneJsonObjectPerStderrLine() throws Exception {
    Entrypoint.Running proxy = start(fromEnvironment().env("CHAINSIGHT_LOG_FORMAT", "json"));
    int port = proxy.awaitListening(START);
    assertThat(curlAsAgent(port, "/version").stdout()).isEqualTo("200");
    // A client without a certificate: a WARN line for the failed handshake.
    Command.run(
        List.of(
            "curl",
            "-sS",
            "--max-time",
            "10",
            "--cacert",
            file(ExamplePkiFile.AGENT_CA),
            "https://localhost:" + port + "/version"),
        null,
        20);
    assertThat(proxy.terminate(Duration.ofSeconds(30))).isZero();

    List<String> lines = proxy.stderr().lines().toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line)); // throws on the first line that is not JSON
    }
    assertThat(events)
        .allSatisfy(event -> assertThat(event.isObject()).as(event.toString()).isTrue());
    JsonNode startup =
        events.stream()
            .filter(e -> e.path("message").asText().startsWith("chainsight listening on https://"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no startup line in\n" + lines));
    assertThat(startup.path("level").asText()).isEqualTo("INFO");
    assertThat(startup.path("logger_name").asText())
        .isEqualTo("io.chainsight.core.proxy.ChainsightServer");
    assertThat(startup.has("@timestamp")).isTrue();
    // The failed handshake carries its diagnosis as fields of its own, not only inside the message.
    assertThat(events)
        .anySatisfy(
            event -> {
              assertThat(event.path("level").asText()).isEqualTo("WARN");
              assertThat(event.path("logger_name").asText()).isEqualTo("io.chainsight.handshake");
              assertThat(event.path("event").asText()).isEqualTo("handshake_failure");
              assertThat(event.path("reason").asText()).isEqualTo("NO_CLIENT_CERTIFICATE");
              assertThat(event.path("client_address").asText()).isEqualTo("127.0.0.1");
              assertThat(event.path("fix").asText()).isNotBlank();
            });
  }

  @Test
  void aTlsFileThatIsNotMountedIsNamedWithItsVariableAndTheJvmIsNotStarted() {
    Command.Result result =
        fromEnvironment()
            .env("CHAINSIGHT_TLS_PRIVATE_KEY", "/etc/chainsight/certs/missing-key.pem")
            .env(
                "CHAINSIGHT_TLS_CRLS",
                file(ExamplePkiFile.ROOT_CA) + ", " + workDir.resolve("missing.crl"))
            .run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr().lines())
        .containsExactly(
            "error: CHAINSIGHT_TLS_PRIVATE_KEY=/etc/chainsight/certs/missing-key.pem: no such file in the container "
                + "(expected: a PEM file; mount the directory that holds it, e.g. docker run -v "
                + "/path/to/pki:/etc/chainsight/certs:ro, and name it by its path inside the container)",
            "error: CHAINSIGHT_TLS_CRLS="
                + workDir.resolve("missing.crl")
                + ": no such file in the container "
                + "(expected: a PEM file; mount the directory that holds it, e.g. docker run -v "
                + "/path/to/pki:/etc/chainsight/certs:ro, and name it by its path inside the container)",
            "chainsight entrypoint: 2 problems in the environment; not starting");
  }

  @Test
  void aJarThatIsNotThereIsNamed() {
    Command.Result result =
        fromEnvironment().env("CHAINSIGHT_JAR", "/opt/nowhere/chainsight.jar").run("--version");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .startsWith(
            "chainsight entrypoint: CHAINSIGHT_JAR=/opt/nowhere/chainsight.jar does not exist");
  }

  @Test
  void chainsightConfInTheConfigDirectoryIsReadWhenChainsightConfigIsUnset() throws Exception {
    Entrypoint entrypoint = Entrypoint.in(workDir);
    Files.createDirectories(entrypoint.configDir());
    Path conf = entrypoint.configDir().resolve("chainsight.conf");
    Files.writeString(
        conf,
        "chainsight {\n  backend.url = \"http://registrar:8890\"\n  tls {\n"
            + "    certificate-chain = \""
            + file(ExamplePkiFile.REGISTRAR_CHAIN)
            + "\"\n"
            + "    private-key = \""
            + file(ExamplePkiFile.REGISTRAR_KEY)
            + "\"\n"
            + "    trusted-cas = \""
            + file(ExamplePkiFile.TRUSTED_CAS)
            + "\"\n  }\n}\n");

    Command.Result result = entrypoint.run("check-config");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains(
            "chainsight check-config: " + conf + " is valid",
            "backend        http://registrar:8890");
  }

  @Test
  void withoutAConfigFileTheConfigurationIsTheEnvironmentAlone() {
    Command.Result result = fromEnvironment().run("check-config");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains(
            "chainsight check-config: the environment and defaults (no config file) is valid");
  }

  @Test
  void anAdminTokenOpensTheAdminEndpointToTheContainerNetwork() {
    Command.Result result =
        fromEnvironment()
            .env("CHAINSIGHT_ADMIN_PORT", "9901")
            .env("CHAINSIGHT_ADMIN_TOKEN", "s3cret")
            .run("check-config");

    assertThat(result.stdout())
        .as(result.stderr())
        .contains("admin          0.0.0.0:9901 (token required)");
  }

  @Test
  void withoutATokenTheAdminEndpointStaysOnLoopback() {
    Command.Result result =
        fromEnvironment().env("CHAINSIGHT_ADMIN_PORT", "9901").run("check-config");

    assertThat(result.stdout()).as(result.stderr()).contains("admin          127.0.0.1:9901\n");
  }

  @Test
  void anExplicitAdminHostIsKeptEvenWithAToken() {
    Command.Result result =
        fromEnvironment()
            .env("CHAINSIGHT_ADMIN_PORT", "9901")
            .env("CHAINSIGHT_ADMIN_TOKEN", "s3cret")
            .env("CHAINSIGHT_ADMIN_HOST", "127.0.0.1")
            .run("check-config");

    assertThat(result.stdout())
        .as(result.stderr())
        .contains("admin          127.0.0.1:9901 (token required)");
  }
}
