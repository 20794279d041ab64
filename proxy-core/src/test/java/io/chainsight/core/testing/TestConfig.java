package io.chainsight.core.testing;

import io.chainsight.core.access.AccessRule;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.BackendSettings;
import io.chainsight.core.config.BackendTlsSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.DiagnosticsSettings;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.config.ListenSettings;
import io.chainsight.core.config.LogSettings;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.ShutdownSettings;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.config.TlsSettings.ClientAuthFailure;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A proxy config for tests, as a builder: listen on 127.0.0.1:0, serve the given files, client
 * certificates required, admin off, every other setting as a test needs it unless the test says
 * otherwise. A test changes only what it is about ({@code .limits(...)}, {@code
 * .clientAuthFailure(HTTP)}) and calls {@link #build}.
 */
public final class TestConfig {
  private Path certificateChain;
  private Path privateKey;
  private Optional<Path> trustedCas;
  private ClientAuth clientAuth = ClientAuth.REQUIRE;
  private List<Path> crls = List.of();
  private Duration handshakeTimeout = Duration.ofSeconds(10);
  private ClientAuthFailure clientAuthFailure = ClientAuthFailure.ALERT;
  private int backendPort = -1;
  private Duration responseTimeout = Duration.ofSeconds(60);
  private int maxIdleConnections = 64;
  private LimitsSettings limits = LimitsSettings.DEFAULTS;
  private AdminSettings admin = new AdminSettings(false, "127.0.0.1", 0, Optional.empty());
  private List<AccessRule> allow = List.of();
  private List<RouteSettings> routes = List.of();
  private boolean accessLog;

  private TestConfig(TestPki.ServerFiles files) {
    this.certificateChain = files.chain();
    this.privateKey = files.key();
    this.trustedCas = Optional.of(files.trustedCas());
  }

  /** Serving {@code files}' chain and key, trusting its CA bundle for client certificates. */
  public static TestConfig serving(TestPki.ServerFiles files) {
    return new TestConfig(files);
  }

  /** The proxy in front of {@code backendPort}, client certificates as {@code clientAuth} says. */
  public static ChainsightConfig config(
      TestPki.ServerFiles files, int backendPort, ClientAuth clientAuth) {
    return serving(files).backendPort(backendPort).clientAuth(clientAuth).build();
  }

  /**
   * A route to an https backend on 127.0.0.1:{@code port}, trusting {@code backendCa} for its
   * certificate and presenting the chain and key in {@code clientFiles} there (none when null).
   */
  public static RouteSettings httpsRoute(
      String pathPrefix, Set<String> methods, int port, Path[] clientFiles, Path backendCa) {
    Optional<Path> chain = clientFiles == null ? Optional.empty() : Optional.of(clientFiles[0]);
    Optional<Path> key = clientFiles == null ? Optional.empty() : Optional.of(clientFiles[1]);
    return new RouteSettings(
        pathPrefix,
        methods,
        Optional.of(URI.create("https://127.0.0.1:" + port)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(new BackendTlsSettings(chain, key, backendCa, Optional.empty())));
  }

  /** The certificate chain and key served (for reload tests: files that change). */
  public TestConfig certificate(Path chain, Path key) {
    this.certificateChain = chain;
    this.privateKey = key;
    return this;
  }

  public TestConfig trustedCas(Path bundle) {
    this.trustedCas = Optional.of(bundle);
    return this;
  }

  public TestConfig clientAuth(ClientAuth clientAuth) {
    this.clientAuth = clientAuth;
    return this;
  }

  public TestConfig crls(List<Path> crls) {
    this.crls = List.copyOf(crls);
    return this;
  }

  public TestConfig handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = timeout;
    return this;
  }

  public TestConfig clientAuthFailure(ClientAuthFailure mode) {
    this.clientAuthFailure = mode;
    return this;
  }

  /** {@code backend.url} {@code http://127.0.0.1:port}. */
  public TestConfig backendPort(int port) {
    this.backendPort = port;
    return this;
  }

  boolean hasBackend() {
    return backendPort >= 0;
  }

  public TestConfig responseTimeout(Duration timeout) {
    this.responseTimeout = timeout;
    return this;
  }

  public TestConfig maxIdleConnections(int max) {
    this.maxIdleConnections = max;
    return this;
  }

  public TestConfig limits(LimitsSettings limits) {
    this.limits = limits;
    return this;
  }

  public TestConfig admin(AdminSettings admin) {
    this.admin = admin;
    return this;
  }

  public TestConfig allow(List<AccessRule> allow) {
    this.allow = List.copyOf(allow);
    return this;
  }

  public TestConfig routes(List<RouteSettings> routes) {
    this.routes = List.copyOf(routes);
    return this;
  }

  /** {@code log.access}: one line per exchange. */
  public TestConfig accessLog(boolean on) {
    this.accessLog = on;
    return this;
  }

  public ChainsightConfig build() {
    if (!hasBackend()) {
      throw new IllegalStateException("TestConfig: no backendPort (expected: backendPort(port))");
    }
    return new ChainsightConfig(
        new ListenSettings("127.0.0.1", 0),
        new TlsSettings(
            certificateChain,
            privateKey,
            clientAuth,
            trustedCas,
            crls,
            TlsSettings.SUPPORTED_PROTOCOLS,
            handshakeTimeout,
            clientAuthFailure),
        new BackendSettings(
            URI.create("http://127.0.0.1:" + backendPort),
            Duration.ofSeconds(2),
            responseTimeout,
            maxIdleConnections),
        limits,
        new ShutdownSettings(Duration.ofSeconds(5)),
        admin,
        new DiagnosticsSettings(Duration.ofSeconds(60), 200),
        new LogSettings(LogSettings.Format.TEXT, accessLog),
        allow,
        routes,
        Optional.empty());
  }
}
