package io.chainsight.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.ConfigLoader;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.config.ReloadResult;
import io.chainsight.core.testing.LogCapture;
import io.chainsight.core.testing.ProxyExtension;
import io.chainsight.core.testing.RawTlsClient;
import io.chainsight.core.testing.RecordingBackend;
import io.chainsight.core.testing.ResponseReader;
import io.chainsight.core.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole configuration reloads under a client that never stops: access rules, a route's backend
 * and limits change in the running process without a failed request; what cannot be used is refused
 * and the previous configuration keeps serving.
 */
@Timeout(60)
class ConfigReloadIT {
  @RegisterExtension final ProxyExtension fixture = new ProxyExtension();

  private final TestPki pki = fixture.pki();
  private final HeldCertificate agent = fixture.agent();
  private final HeldCertificate tenant = pki.agent("tenant-1").build();

  private Path dir;
  private TestPki.ServerFiles files;
  private RecordingBackend backendA;
  private RecordingBackend backendB;
  private ChainsightServer proxy;
  private HttpClient agentClient;
  private HttpClient tenantClient;

  /** What the test config file says; each test changes one thing and writes it again. */
  private record Conf(
      int listenPort,
      boolean tenantAllowed,
      int agentsBackend,
      int maxHeaders,
      String trustedCas,
      String extra) {
    Conf allowTenant(boolean allowed) {
      return new Conf(listenPort, allowed, agentsBackend, maxHeaders, trustedCas, extra);
    }

    Conf agentsTo(int port) {
      return new Conf(listenPort, tenantAllowed, port, maxHeaders, trustedCas, extra);
    }

    Conf maxHeaders(int count) {
      return new Conf(listenPort, tenantAllowed, agentsBackend, count, trustedCas, extra);
    }

    Conf listenOn(int port) {
      return new Conf(port, tenantAllowed, agentsBackend, maxHeaders, trustedCas, extra);
    }

    Conf trusting(String file) {
      return new Conf(listenPort, tenantAllowed, agentsBackend, maxHeaders, file, extra);
    }

    Conf with(String text) {
      return new Conf(listenPort, tenantAllowed, agentsBackend, maxHeaders, trustedCas, text);
    }

    String hocon(TestPki.ServerFiles files, int defaultBackend) {
      String tenantRule = tenantAllowed ? ", { subject-cn = \"tenant-1\" }" : "";
      return "chainsight {\n"
          + "  listen { host = \"127.0.0.1\", port = "
          + listenPort
          + " }\n"
          + "  admin { host = \"127.0.0.1\", port = 0 }\n"
          + "  tls {\n"
          + "    certificate-chain = \""
          + files.chain()
          + "\"\n"
          + "    private-key = \""
          + files.key()
          + "\"\n"
          + "    trusted-cas = \""
          + trustedCas
          + "\"\n"
          + "  }\n"
          + "  backend.url = \"http://127.0.0.1:"
          + defaultBackend
          + "\"\n"
          + "  limits.max-headers = "
          + maxHeaders
          + "\n"
          + "  routes = [\n"
          + "    { path-prefix = \"/version\" }\n"
          + "    { path-prefix = \"/slow\" }\n"
          + "    { path-prefix = \"/v2/agents\", backend = \"http://127.0.0.1:"
          + agentsBackend
          + "\"\n"
          + "      access.allow = [ { subject-cn = \"agent-1\" }"
          + tenantRule
          + " ] }\n"
          + "  ]\n"
          + extra
          + "}\n";
    }
  }

  private Conf conf;

  @BeforeEach
  void prepare() {
    dir = fixture.dir();
    files = fixture.serverFiles();
    backendA = fixture.backend();
    backendB = fixture.closeAfter(RecordingBackend.start());
    conf = new Conf(0, false, backendA.port(), 100, files.trustedCas().toString(), "");
    agentClient = fixture.client();
    tenantClient = fixture.client(pki.clientContext(tenant, pki.intermediate()));
  }

  /** The proxy from {@code chainsight.conf} as {@link #conf} says, which the test then rewrites. */
  private Path start() throws Exception {
    Path file = dir.resolve("chainsight.conf");
    write(file, conf);
    startFrom(file);
    return file;
  }

  @Test
  void accessRulesBackendAndLimitChangeInOneProcessWithoutAFailedRequest() throws Exception {
    Path file = start();
    try (RawTlsClient keptAlive = RawTlsClient.connect(pki.clientContext(agent), port());
        ClientLoop loop = new ClientLoop(agentClient, url("/version"))) {
      assertThat(exchange(keptAlive, "GET /version")).isEqualTo(200);
      assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);

      reloadWith(file, conf.allowTenant(true));
      assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(200);

      reloadWith(file, conf.allowTenant(false));
      assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);

      int before = backendB.received().size();
      reloadWith(file, conf.agentsTo(backendB.port()));
      assertThat(status(agentClient, "GET", "/v2/agents", 0)).isEqualTo(200);
      assertThat(backendB.received()).hasSize(before + 1);
      assertThat(backendB.last().target()).isEqualTo("/v2/agents");

      assertThat(status(agentClient, "GET", "/version", 20)).isEqualTo(200);
      reloadWith(file, conf.maxHeaders(10));
      assertThat(status(agentClient, "GET", "/version", 20)).isEqualTo(431);

      // The connection opened before the first change still serves, under the latest rules.
      assertThat(exchange(keptAlive, "GET /version")).isEqualTo(200);
      assertThat(exchange(keptAlive, "GET /v2/agents")).isEqualTo(200);
      assertThat(backendB.last().target()).isEqualTo("/v2/agents");
      assertThat(proxy.generation()).isEqualTo(5);
      loop.assertNoFailure();
    }
  }

  @Test
  void eachReloadLogsTheChangedKeysAndCountsIt() throws Exception {
    Path file = start();
    try (LogCapture log = new LogCapture(ChainsightServer.class.getName())) {
      reloadWith(file, conf.allowTenant(true).with("  admin.token = \"s3cret-token\"\n"));

      String message =
          log.events().stream()
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.startsWith("reloaded configuration ("))
              .filter(m -> m.contains("): generation 2, "))
              .findFirst()
              .orElseThrow();
      assertThat(message)
          .contains("2 keys changed")
          .contains("\n  admin.token: <not set> -> <redacted>")
          .contains("\n  routes: ")
          .contains("{\"subject-cn\":\"tenant-1\"}")
          .doesNotContain("s3cret-token");
    }
    assertThat(
            proxy
                .metrics()
                .registry()
                .counter("chainsight_reloads_total.result.changed")
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void anAdminTokenSetByAReloadIsAskedForFromTheNextAdminRequest() throws Exception {
    Path file = start();
    assertThat(adminResponse("/config", Optional.empty()).statusCode()).isEqualTo(200);

    reloadWith(file, conf.with("  admin.token = \"s3cret-token\"\n"));

    assertThat(adminResponse("/config", Optional.empty()).statusCode()).isEqualTo(401);
    assertThat(adminResponse("/config", Optional.of("s3cret-token")).statusCode()).isEqualTo(200);
  }

  @Test
  void readinessChecksTheBackendsOfTheNewGeneration() throws Exception {
    Path file = start();
    String b = "http://127.0.0.1:" + backendB.port();
    assertThat(admin("/readyz?format=text")).doesNotContain(b);

    reloadWith(file, conf.agentsTo(backendB.port()));

    await(() -> readyz().contains(b), "backend B on /readyz");
  }

  @Test
  void configShowsTheGenerationAndWhenItWasLoaded() throws Exception {
    Path file = start();
    String before = admin("/config?format=text");
    assertThat(before).startsWith("effective configuration (below chainsight), generation 1 ");

    reloadWith(file, conf.allowTenant(true));

    String after = admin("/config?format=text");
    assertThat(after)
        .startsWith("effective configuration (below chainsight), generation 2 loaded at ")
        .contains("tenant-1");
  }

  @Test
  void aRequestInFlightFinishesOnTheBackendItStartedWith() throws Exception {
    Path file = start();
    CompletableFuture<HttpResponse<String>> slow =
        agentClient.sendAsync(
            HttpRequest.newBuilder(url("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    await(() -> backendA.received().stream().anyMatch(r -> r.target().equals("/slow")), "at A");

    reloadWith(file, conf.with("  backend.url = \"" + b() + "\"\n"));

    assertThat(slow.get().statusCode()).isEqualTo(200);
    assertThat(slow.get().body()).contains("slow");
    assertThat(status(agentClient, "GET", "/version", 0)).isEqualTo(200);
    assertThat(backendB.last().target()).isEqualTo("/version");
  }

  @Test
  void aSyntaxErrorIsRefusedAndTheRunningConfigurationKeepsServing() throws Exception {
    Path file = start();
    try (ClientLoop loop = new ClientLoop(agentClient, url("/version"))) {
      replace(file, conf.allowTenant(true).hocon(files, backendA.port()) + "}\n");

      ReloadResult result = proxy.reload("test");

      assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
      assertThat(result.problems()).singleElement().asString().contains("HOCON syntax error");
      assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);
      assertThat(proxy.generation()).isEqualTo(1);
      assertThat(admin("/readyz?format=text"))
          .contains("WARNING: the last reload was refused")
          .contains("HOCON syntax error");
      assertThat(admin("/certs?format=text")).contains("WARNING: the last reload was refused");
      loop.assertNoFailure();
    }
  }

  @Test
  void aFileThatCannotBeReadIsRefusedLikeCheckConfigRefusesIt() throws Exception {
    Path file = start();
    Path missing = dir.resolve("no-such-ca.pem");
    write(file, conf.allowTenant(true).trusting(missing.toString()));

    ReloadResult result = proxy.reload("test");

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).startsWith("tls.trusted-cas: "));
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains(missing.toString()));
    // What would have changed is said too; none of it is applied.
    assertThat(result.changes()).anySatisfy(c -> assertThat(c).startsWith("tls.trusted-cas: "));
    assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);
    assertThat(status(agentClient, "GET", "/v2/agents", 0)).isEqualTo(200);
  }

  @Test
  void aPortChangeIsRefusedWithOneLineAndNothingElseIsApplied() throws Exception {
    write(start(), conf.listenOn(18443).allowTenant(true));

    ReloadResult result = proxy.reload("test");

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
    assertThat(result.problems())
        .containsExactly(
            "listen.port: 0 -> 18443 needs a restart (restart chainsight to take it, or put"
                + " back 0 to reload the rest)");
    assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);
    // Counted once per attempt (the file watcher may have tried it too).
    assertThat(
            proxy.metrics().registry().counter("chainsight_reloads_total.result.failed").getCount())
        .isPositive();
  }

  @Test
  void aKubeletSymlinkSwapOfTheConfigFileIsPickedUpWithinTwoSeconds() throws Exception {
    // kubelet's ConfigMap layout: chainsight.conf -> ..data/chainsight.conf, ..data -> ..v1
    Path mount = Files.createDirectories(dir.resolve("config-map"));
    Path v1 = Files.createDirectories(mount.resolve("..v1"));
    write(v1.resolve("chainsight.conf"), conf);
    Files.createSymbolicLink(mount.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(
        mount.resolve("chainsight.conf"), Path.of("..data").resolve("chainsight.conf"));
    startFrom(mount.resolve("chainsight.conf"));
    assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(403);

    try (ClientLoop loop = new ClientLoop(agentClient, url("/version"))) {
      Path v2 = Files.createDirectories(mount.resolve("..v2"));
      write(v2.resolve("chainsight.conf"), conf.allowTenant(true));
      Path link = Files.createSymbolicLink(mount.resolve("..data_tmp"), v2.getFileName());
      long swapped = System.nanoTime();
      Files.move(
          link,
          mount.resolve("..data"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);

      await(
          () -> proxy.generation() == 2,
          "generation 2 within 2 s of the swap",
          swapped,
          Duration.ofSeconds(2));
      assertThat(status(tenantClient, "GET", "/v2/agents", 0)).isEqualTo(200);
      loop.assertNoFailure();
    }
  }

  // ---- helpers ----

  private void startFrom(Path file) throws Exception {
    proxy = fixture.start(ConfigSource.of(Optional.of(file), Map.of(), Map.of()));
  }

  private void reloadWith(Path file, Conf next) throws Exception {
    long generation = proxy.generation();
    write(file, next);
    conf = next;
    ReloadResult result = proxy.reload("test");
    // The file watcher may have taken the change first; either way it is served now.
    assertThat(result.outcome()).as(result.describe()).isNotEqualTo(ReloadResult.Outcome.FAILED);
    assertThat(proxy.generation()).isEqualTo(generation + 1);
  }

  private void write(Path file, Conf next) throws Exception {
    replace(file, next.hocon(files, backendA.port()));
    // The file must load on its own, as check-config would read it.
    ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
  }

  /** Written aside and renamed over, as editors and config management do. */
  private static void replace(Path file, String text) throws Exception {
    Path aside = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(aside, text);
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private String b() {
    return "http://127.0.0.1:" + backendB.port();
  }

  private int port() {
    return proxy.tlsAddress().getPort();
  }

  private URI url(String path) {
    return URI.create("https://localhost:" + port() + path);
  }

  /** The status of one request carrying {@code extraHeaders} header fields besides the client's. */
  private int status(HttpClient client, String method, String path, int extraHeaders)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url(path)).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < extraHeaders; i++) {
      request.header("X-Extra-" + i, "x");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** One request on a connection held open across reloads. */
  private static int exchange(RawTlsClient connection, String requestLine) throws Exception {
    connection.send(requestLine + " HTTP/1.1\r\nHost: registrar\r\n\r\n");
    return ResponseReader.readOne(connection.input(), false);
  }

  private String admin(String path) throws Exception {
    return adminResponse(path, Optional.empty()).body();
  }

  /** {@code /readyz} as text, or what went wrong asking (for polling). */
  private String readyz() {
    try {
      return admin("/readyz?format=text");
    } catch (Exception e) {
      return e.toString();
    }
  }

  private HttpResponse<String> adminResponse(String path, Optional<String> token) throws Exception {
    int port = proxy.adminAddress().orElseThrow().getPort();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition, String what) throws Exception {
    await(condition, what + " within 5 s", System.nanoTime(), Duration.ofSeconds(5));
  }

  /** Polls until {@code condition} holds, failing once {@code within} has passed {@code since}. */
  private static void await(BooleanSupplier condition, String what, long since, Duration within)
      throws Exception {
    long deadline = since + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not seen: " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Requests one after another until closed; any status but 200, or any error, is a failure. */
  private static final class ClientLoop implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    ClientLoop(HttpClient client, URI uri) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    int status =
                        client
                            .send(
                                HttpRequest.newBuilder(uri).build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status != 200) {
                      throw new AssertionError("status " + status + " from " + uri);
                    }
                    ok.incrementAndGet();
                  } catch (Exception | AssertionError e) {
                    failure.compareAndSet(null, e);
                  }
                }
              },
              "client-loop");
      thread.start();
    }

    void assertNoFailure() throws InterruptedException {
      int seen = ok.get();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (ok.get() < seen + 3 && System.nanoTime() < deadline) {
        Thread.sleep(10); // still going after the last change
      }
      assertThat(failure.get()).as("a request of the loop failed").isNull();
      assertThat(ok.get()).as("requests served by the loop").isGreaterThan(seen);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
