package io.chainsight.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.chainsight.cli.Entrypoint;
import io.chainsight.core.certs.ExamplePki;
import io.chainsight.core.certs.ExamplePkiFile;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.json.JsonLayout;
import io.chainsight.core.proxy.ChainsightServer;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestConfig;
import io.chainsight.core.testing.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chainsight healthcheck} as the image's HEALTHCHECK runs it: through the entrypoint, in its
 * own JVM. A JDK HttpServer stands in for the admin endpoint's {@code /healthz} where a test needs
 * to choose the answer or see the request; one test asks the admin endpoint of a real running
 * proxy.
 */
class HealthcheckCommandIT {
  @TempDir static Path pkiDir;

  @TempDir Path workDir;

  private HttpServer admin;
  private volatile int status = 200;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void pki() throws Exception {
    ExamplePki.generate(pkiDir, Instant.now());
  }

  @BeforeEach
  void startAdminStandIn() throws IOException {
    admin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    admin.createContext(
        "/healthz",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body =
              JsonLayout.REGISTRAR
                  .write(
                      status == 200
                          ? JsonNodeFactory.instance.objectNode().put("status", "UP")
                          : JsonNodeFactory.instance
                              .objectNode()
                              .put("status", "DOWN")
                              .put("reason", "draining"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    admin.start();
  }

  @AfterEach
  void stopAdminStandIn() {
    admin.stop(0);
  }

  private String healthz() {
    return "http://127.0.0.1:" + admin.getAddress().getPort() + "/healthz";
  }

  /** The container's environment: the TLS files and, as the image gets them, the admin settings. */
  private Entrypoint container() {
    return Entrypoint.in(workDir)
        .env(
            "CHAINSIGHT_TLS_CERTIFICATE_CHAIN",
            ExamplePkiFile.REGISTRAR_CHAIN.in(pkiDir).toString())
        .env("CHAINSIGHT_TLS_PRIVATE_KEY", ExamplePkiFile.REGISTRAR_KEY.in(pkiDir).toString())
        .env("CHAINSIGHT_TLS_TRUSTED_CAS", ExamplePkiFile.TRUSTED_CAS.in(pkiDir).toString())
        .env("CHAINSIGHT_ADMIN_PORT", String.valueOf(admin.getAddress().getPort()));
  }

  @Test
  void aHealthyEndpointExitsZero() {
    Command.Result result = container().run("healthcheck", healthz());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .isEqualTo("chainsight healthcheck: healthy: GET " + healthz() + " answered 200\n");
  }

  @Test
  void theAdminEndpointOfARunningProxyIsHealthyWithTheConfiguredToken() throws Exception {
    TestPki.ServerFiles files =
        new TestPki.ServerFiles(
            ExamplePkiFile.REGISTRAR_CHAIN.in(pkiDir),
            ExamplePkiFile.REGISTRAR_KEY.in(pkiDir),
            ExamplePkiFile.TRUSTED_CAS.in(pkiDir),
            ExamplePkiFile.ROOT_CA.in(pkiDir));
    try (RecordingBackend backend = RecordingBackend.start();
        ChainsightServer proxy =
            ChainsightServer.start(
                TestConfig.serving(files)
                    .backendPort(backend.port())
                    .responseTimeout(Duration.ofSeconds(5))
                    .admin(new AdminSettings(true, "127.0.0.1", 0, Optional.of("s3cret")))
                    .build())) {
      int adminPort = proxy.adminAddress().orElseThrow().getPort();

      // As the image runs it: no URL, so the entrypoint's environment names the port and the token.
      Command.Result result =
          container()
              .env("CHAINSIGHT_ADMIN_PORT", String.valueOf(adminPort))
              .env("CHAINSIGHT_ADMIN_TOKEN", "s3cret")
              .run("healthcheck");

      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout())
          .isEqualTo(
              "chainsight healthcheck: healthy: GET http://127.0.0.1:"
                  + adminPort
                  + "/healthz answered 200\n");
    }
  }

  @Test
  void anUnhealthyAnswerExitsOneAndQuotesIt() {
    status = 503;

    Command.Result result = container().run("healthcheck", healthz());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .isEqualTo(
            "chainsight healthcheck: unhealthy: GET "
                + healthz()
                + " answered 503: {\"status\": \"DOWN\", \"reason\": \"draining\"}\n");
  }

  @Test
  void aClosedPortExitsOneAndSaysNothingListens() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }

    Command.Result result =
        container().run("healthcheck", "http://127.0.0.1:" + closed + "/healthz");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .startsWith(
            "chainsight healthcheck: unhealthy: GET http://127.0.0.1:"
                + closed
                + "/healthz: nothing listens on 127.0.0.1:"
                + closed);
  }

  @Test
  void withoutAUrlItAsksTheConfiguredAdminPortWithTheConfiguredToken() {
    // The image's HEALTHCHECK: no URL; the token makes the entrypoint bind admin to 0.0.0.0, which
    // the
    // healthcheck reaches over loopback.
    Command.Result result = container().env("CHAINSIGHT_ADMIN_TOKEN", "s3cret").run("healthcheck");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("GET " + healthz() + " answered 200");
    assertThat(authorizations).containsExactly("Bearer s3cret");
  }

  @Test
  void anExplicitUrlGetsNoToken() {
    Command.Result result =
        container().env("CHAINSIGHT_ADMIN_TOKEN", "s3cret").run("healthcheck", healthz());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(authorizations).containsExactly("null");
  }

  @Test
  void aDisabledAdminEndpointIsUnhealthyAndSaysWhy() {
    Command.Result result = container().env("CHAINSIGHT_ADMIN_ENABLED", "false").run("healthcheck");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .startsWith(
            "chainsight healthcheck: unhealthy: the admin endpoint is off "
                + "(admin.enabled = false in the environment and defaults (no config file))");
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aConfigurationProblemIsOneNotTwoBecauseDockerReservesTwo() {
    Command.Result result = Entrypoint.in(workDir).run("healthcheck");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("error: tls.certificate-chain: not set");
  }
}
