package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ProbesSettings;
import io.chainsight.core.proxy.ChainsightServer;
import io.chainsight.core.testing.Command;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes listener ({@code admin.probes}) as kubelet and the image's HEALTHCHECK reach it: over
 * real sockets, without a token, {@code /healthz} and {@code /readyz} and nothing else.
 */
class ProbesIT {
  private static final Duration READY_WITHIN = Duration.ofSeconds(10);
  private static final Path SCRIPT = Path.of("../docker/healthcheck").toAbsolutePath().normalize();

  private final AdminFixture fixture = new AdminFixture();

  @TempDir Path dir;

  private RecordingBackend backend;
  private ChainsightServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(AdminSettings admin) throws Exception {
    if (backend == null) {
      backend = RecordingBackend.start();
    }
    start(admin, backend.port());
  }

  private void start(AdminSettings admin, int backendPort) throws Exception {
    TestPki.ServerFiles files = fixture.write(dir, fixture.server);
    proxy = ChainsightServer.start(AdminFixture.config(files, backendPort, admin));
  }

  private static AdminSettings withProbes(AdminSettings admin, ProbesSettings probes) {
    return new AdminSettings(admin.enabled(), admin.host(), admin.port(), admin.token(), probes);
  }

  private static ProbesSettings probesOn(String host) {
    return new ProbesSettings(true, host, 0);
  }

  private HttpResponse<String> probe(String method, String pathAndQuery) {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + proxy.probesAddress().orElseThrow().getPort() + pathAndQuery);
    return fixture.send(uri, method, null);
  }

  private HttpResponse<String> admin(String pathAndQuery, String token) {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + proxy.adminAddress().orElseThrow().getPort() + pathAndQuery);
    return fixture.send(uri, "GET", token);
  }

  private void awaitReady() throws InterruptedException {
    AdminFixture.await(
        "the probes' /readyz to answer 200",
        READY_WITHIN,
        () -> probe("GET", "/readyz").statusCode() == 200);
  }

  @Test
  void healthzAndReadyzAnswerWithoutTheTokenTheAdminEndpointWants() throws Exception {
    start(withProbes(AdminFixture.loopbackAdmin(Optional.of("s3cret")), probesOn("127.0.0.1")));

    HttpResponse<String> live = probe("GET", "/healthz");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("alive\n");
    awaitReady();
    HttpResponse<String> ready = probe("GET", "/readyz");
    assertThat(ready.body()).isEqualTo("ready\n");
    assertThat(ready.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(TestJson.parse(probe("GET", "/readyz?format=json").body()))
        .isEqualTo(java.util.Map.of("status", "ready", "failed", List.of()));

    assertThat(admin("/readyz", null).statusCode())
        .as("the admin endpoint still wants its token")
        .isEqualTo(401);
  }

  @Test
  void nothingButTheTwoProbesIsServed() throws Exception {
    start(withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("127.0.0.1")));

    for (String path : List.of("/config", "/certs", "/metrics", "/debug/handshakes", "/version")) {
      HttpResponse<String> response = probe("GET", path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).contains("no endpoint at " + path);
    }
    assertThat(probe("POST", "/reload").statusCode()).isEqualTo(404);
    HttpResponse<String> post = probe("POST", "/readyz");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void readyzNamesTheFailedCheckButNotItsDetails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    start(
        withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("127.0.0.1")),
        closedPort);

    AdminFixture.await(
        "the backend check to run",
        READY_WITHIN,
        () -> admin("/readyz?format=text", null).body().contains("checked"));
    HttpResponse<String> brief = probe("GET", "/readyz");
    assertThat(brief.statusCode()).isEqualTo(503);
    assertThat(brief.body())
        .isEqualTo("not ready: backend (the admin endpoint's /readyz has the details)\n");
    assertThat(TestJson.parse(probe("GET", "/readyz?format=json").body()))
        .isEqualTo(java.util.Map.of("status", "not ready", "failed", List.of("backend")));
    assertThat(admin("/readyz?format=text", null).body())
        .as("the details stay on the admin endpoint")
        .contains("127.0.0.1:" + closedPort);
  }

  @Test
  void theProbesRunWithTheAdminListenerOff() throws Exception {
    start(new AdminSettings(false, "127.0.0.1", 0, Optional.empty(), probesOn("127.0.0.1")));

    assertThat(proxy.adminAddress()).isEmpty();
    assertThat(probe("GET", "/healthz").statusCode()).isEqualTo(200);
    awaitReady();
  }

  @Test
  void theProbesMayListenOnEveryInterfaceWithoutAToken() throws Exception {
    start(withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("0.0.0.0")));

    assertThat(proxy.probesAddress().orElseThrow().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(probe("GET", "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void curlAsTheProbeClientSeesTheStatusCodes() throws Exception {
    start(withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("127.0.0.1")));
    awaitReady();
    String base = "http://127.0.0.1:" + proxy.probesAddress().orElseThrow().getPort();

    Command.Result ready =
        Command.run(
            List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", base + "/readyz"),
            null,
            10);
    Command.Result missing =
        Command.run(
            List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", base + "/config"),
            null,
            10);

    assertThat(ready.stdout()).isEqualTo("200");
    assertThat(missing.stdout()).isEqualTo("404");
  }

  @Test
  void theImageHealthcheckScriptAsksTheProbesWithoutAJvm() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    start(
        withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("0.0.0.0")), closedPort);
    String port = String.valueOf(proxy.probesAddress().orElseThrow().getPort());

    Command.Result live = healthcheck(port);
    assertThat(live.exitCode()).isZero();
    assertThat(live.stdout())
        .isEqualTo(
            "chainsight healthcheck: healthy: GET http://127.0.0.1:"
                + port
                + "/healthz answered 200\n");

    AdminFixture.await(
        "the backend check to fail",
        READY_WITHIN,
        () -> probe("GET", "/readyz").statusCode() == 503);
    Command.Result ready = healthcheck(port, "/readyz");
    assertThat(ready.exitCode()).isEqualTo(1);
    assertThat(ready.stdout())
        .isEqualTo(
            "chainsight healthcheck: unhealthy: GET http://127.0.0.1:"
                + port
                + "/readyz: answered 503 Service Unavailable not ready: backend "
                + "(the admin endpoint's /readyz has the details)\n");

    proxy.close();
    proxy = null;
    Command.Result gone = healthcheck(port);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stdout())
        .startsWith(
            "chainsight healthcheck: unhealthy: GET http://127.0.0.1:"
                + port
                + "/healthz: nothing listens on 127.0.0.1:"
                + port);
  }

  private static Command.Result healthcheck(String port, String... path) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("env", "CHAINSIGHT_ADMIN_PROBES_PORT=" + port, "bash", SCRIPT.toString()));
    command.addAll(List.of(path));
    return Command.run(command, null, 10);
  }

  @Test
  void whileDrainingReadyzTurns503AndHealthzStays200() throws Exception {
    start(withProbes(AdminFixture.loopbackAdmin(Optional.empty()), probesOn("127.0.0.1")));
    awaitReady();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(fixture.clientContext(fixture.agent))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + proxy.tlsAddress().getPort() + "/slow"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    AdminFixture.await(
        "the slow request to reach the backend",
        Duration.ofSeconds(10),
        () -> !backend.received().isEmpty());

    CompletableFuture<Void> drain = CompletableFuture.runAsync(proxy::drainAndClose);
    AdminFixture.await("the drain to start", Duration.ofSeconds(5), proxy::draining);

    HttpResponse<String> ready = probe("GET", "/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("not ready: serving");
    assertThat(probe("GET", "/healthz").statusCode()).isEqualTo(200);
    assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    drain.get(10, TimeUnit.SECONDS);
    proxy = null;
  }

  @Test
  void aTakenPortIsNamedWithTheKeyAndTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AdminSettings admin =
          withProbes(
              AdminFixture.loopbackAdmin(Optional.empty()),
              new ProbesSettings(true, "127.0.0.1", taken.getLocalPort()));

      assertThatThrownBy(() -> start(admin))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              "admin.probes: cannot bind 127.0.0.1:" + taken.getLocalPort() + ": ")
          .hasMessageEndingWith(
              "(another process listens there (find it with `ss -ltnp 'sport = :"
                  + taken.getLocalPort()
                  + "'`); choose another admin.probes.port, or set admin.probes.enabled = false)");
    }
  }
}
