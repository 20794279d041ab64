package io.chainsight.core.testing;

import io.chainsight.core.certs.HeldCertificate;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.proxy.ChainsightServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The proxy, on 127.0.0.1:0 with real TLS, in front of a {@link RecordingBackend}, with a {@link
 * TestPki} and an agent to call it as; everything it started is closed after each test. A test says
 * only what differs: the config, the backend, the client.
 *
 * <pre>{@code
 * class ExampleIT {
 *   @RegisterExtension final ProxyExtension proxy = new ProxyExtension();
 *
 *   @Test
 *   void versionReachesTheBackend() throws Exception {
 *     proxy.start(config -> config.responseTimeout(Duration.ofSeconds(1)));
 *     HttpResponse<String> response =
 *         proxy.client().send(HttpRequest.newBuilder(proxy.uri("/version")).build(), ofString());
 *     assertThat(response.statusCode()).isEqualTo(200);
 *     assertThat(proxy.backend().last().target()).isEqualTo("/version");
 *   }
 * }
 * }</pre>
 *
 * Raw bytes instead: {@code try (RawTlsClient c = proxy.raw()) { c.send("GET / ...") }}. Another
 * backend: {@code proxy.start(config -> config.backendPort(mine.port()))}, with {@code
 * proxy.closeAfter(mine)}. Another client: {@code proxy.client(proxy.pki().clientContext(null))}.
 */
public final class ProxyExtension implements AfterEachCallback {
  private final TestPki pki;
  private final Deque<AutoCloseable> open = new ArrayDeque<>();
  private HeldCertificate agent;
  private Path dir;
  private TestPki.ServerFiles serverFiles;
  private RecordingBackend backend;
  private ChainsightServer server;

  /** With a fresh {@link TestPki#create()}. */
  public ProxyExtension() {
    this(TestPki.create());
  }

  public ProxyExtension(TestPki pki) {
    this.pki = pki;
  }

  public TestPki pki() {
    return pki;
  }

  /** {@code agent-1}, issued by the PKI's intermediate. */
  public HeldCertificate agent() {
    if (agent == null) {
      agent = pki.agent("agent-1").build();
    }
    return agent;
  }

  /** A client context presenting {@link #agent()} with the intermediate, trusting the root. */
  public SSLContext agentContext() {
    return pki.clientContext(agent(), pki.intermediate());
  }

  /** A directory of this test's own, deleted after it. */
  public Path dir() {
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("chainsight-it");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * The PKI's server chain, key, trust bundle and root as files (in a folder of their own under
   * {@link #dir()}), written on first use; the config serves and trusts these.
   */
  public TestPki.ServerFiles serverFiles() {
    if (serverFiles == null) {
      try {
        serverFiles = pki.writeServerFiles(Files.createDirectories(dir().resolve("proxy")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return serverFiles;
  }

  /** The recording backend, started on first use. */
  public RecordingBackend backend() {
    if (backend == null) {
      backend = RecordingBackend.start();
    }
    return backend;
  }

  /** The proxy with the test defaults ({@link TestConfig}) in front of {@link #backend()}. */
  public ChainsightServer start() throws Exception {
    return start(config -> {});
  }

  /**
   * The proxy with the defaults as {@code changes} leave them; in front of {@link #backend()}
   * unless they name a {@code backendPort}.
   */
  public ChainsightServer start(Consumer<TestConfig> changes) throws Exception {
    TestConfig config = TestConfig.serving(serverFiles());
    changes.accept(config);
    if (!config.hasBackend()) {
      config.backendPort(backend().port());
    }
    return start(config.build());
  }

  /** The proxy with exactly this config (e.g. one read from a file). */
  public ChainsightServer start(ChainsightConfig config) throws Exception {
    if (server != null) {
      throw new IllegalStateException("the proxy is already started in this test");
    }
    server = ChainsightServer.start(config);
    return server;
  }

  /** The proxy from a loaded configuration (e.g. {@code ConfigLoader.loadEffective}). */
  public ChainsightServer start(EffectiveConfig effective) throws Exception {
    if (server != null) {
      throw new IllegalStateException("the proxy is already started in this test");
    }
    server = ChainsightServer.start(effective);
    return server;
  }

  /** The proxy from a config source it reads again on every reload (e.g. a file the test edits). */
  public ChainsightServer start(ConfigSource source) throws Exception {
    if (server != null) {
      throw new IllegalStateException("the proxy is already started in this test");
    }
    server = ChainsightServer.start(source, source.load(), config -> {});
    return server;
  }

  /** The running proxy. */
  public ChainsightServer server() {
    if (server == null) {
      throw new IllegalStateException("the proxy is not started (expected: start() first)");
    }
    return server;
  }

  /** The proxy's TLS port. */
  public int port() {
    return server().tlsAddress().getPort();
  }

  /** {@code https://localhost:PORT} and {@code path}. */
  public URI uri(String path) {
    return URI.create("https://localhost:" + port() + path);
  }

  /** An HTTP/1.1 JDK client presenting {@link #agent()}. */
  public HttpClient client() {
    return client(agentContext());
  }

  /** An HTTP/1.1 JDK client with {@code context}. */
  public HttpClient client(SSLContext context) {
    return HttpClient.newBuilder()
        .sslContext(context)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A raw TLS connection presenting {@link #agent()}, handshake done; the test closes it. */
  public RawTlsClient raw() throws IOException {
    return RawTlsClient.connect(agentContext(), port());
  }

  /** Closes {@code resource} after the test (after the proxy); returns it. */
  public <T extends AutoCloseable> T closeAfter(T resource) {
    open.push(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    if (server != null) {
      first = close(server, first);
      server = null;
    }
    while (!open.isEmpty()) {
      first = close(open.pop(), first);
    }
    if (backend != null) {
      first = close(backend, first);
      backend = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
      dir = null;
      serverFiles = null;
    }
    if (first != null) {
      throw first;
    }
  }

  private static Exception close(AutoCloseable resource, Exception first) {
    try {
      resource.close();
      return first;
    } catch (Exception e) {
      if (first == null) {
        return e;
      }
      first.addSuppressed(e);
      return first;
    }
  }
}
