package io.chainsight.core.admin;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.AdminSettings;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ReloadResult;
import io.chainsight.core.metrics.MinuteHistory;
import io.chainsight.core.tls.TlsEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener on {@code admin.host:admin.port} and the probes listener on {@code
 * admin.probes.host:admin.probes.port} (either or both), on the proxy's own event loops and
 * transport. The proxy starts them once the TLS listener is bound and closes them last on shutdown,
 * so {@code /readyz} answers 503 while the proxy drains. The probes listener serves {@code
 * /healthz} and a {@code /readyz} without details through the same pipeline, without a token.
 *
 * <p>A connection's pipeline, in order:
 *
 * <pre>
 *   admin-http       HttpServerCodec
 *   admin-aggregate  HttpObjectAggregator: whole requests of at most 16 KiB (admin requests have no real body)
 *   admin            AdminHandler: bearer token, then the route table
 * </pre>
 */
public final class AdminServer implements AutoCloseable {
  public static final String HTTP = "admin-http";
  public static final String AGGREGATE = "admin-aggregate";
  public static final String HANDLER = "admin";
  static final int MAX_REQUEST_BYTES = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final Channel channel;
  private final Channel probesChannel;
  private final BackendChecks probe;
  private final MinuteSampler sampler;

  /** Either channel may be null: that listener is off. */
  private AdminServer(
      Channel channel, Channel probesChannel, BackendChecks probe, MinuteSampler sampler) {
    this.channel = channel;
    this.probesChannel = probesChannel;
    this.probe = probe;
    this.sampler = sampler;
  }

  public static Builder builder(ChainsightConfig config) {
    return new Builder(config);
  }

  /**
   * The admin listener's address.
   *
   * @throws IllegalStateException when {@code admin.enabled = false} (only the probes listen)
   */
  public InetSocketAddress address() {
    if (channel == null) {
      throw new IllegalStateException("admin.enabled = false: only the probes listener runs");
    }
    return (InetSocketAddress) channel.localAddress();
  }

  /** The admin listener's address; empty when {@code admin.enabled = false}. */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(channel).map(c -> (InetSocketAddress) c.localAddress());
  }

  /** The probes listener's address; empty when {@code admin.probes.enabled = false}. */
  public Optional<InetSocketAddress> probesAddress() {
    return Optional.ofNullable(probesChannel).map(c -> (InetSocketAddress) c.localAddress());
  }

  @Override
  public void close() {
    sampler.close();
    probe.close();
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    if (probesChannel != null) {
      probesChannel.close().syncUninterruptibly();
    }
  }

  /**
   * What the admin endpoint reads from the running proxy. Everything but the failures and config
   * view is required.
   */
  public static final class Builder {
    private final ChainsightConfig config;
    private EventLoopGroup group;
    private Class<? extends ServerChannel> serverChannel;
    private Class<? extends SocketChannel> clientChannel;
    private MetricRegistry metrics;
    private Supplier<TlsMaterial> material;
    private Supplier<Optional<InetSocketAddress>> tlsListener;
    private TlsEngine engine;
    private String transport;
    private String transportFallback;
    private HandshakeFailures failures = HandshakeFailures.NONE;
    private ConfigView configView;
    private Supplier<ConfigGeneration> generations;
    private Function<String, ReloadResult> reloader;
    private BooleanSupplier draining = () -> false;
    private Supplier<Optional<String>> refusedReload = Optional::empty;
    private Duration backendCheckInterval = Duration.ofSeconds(2);
    private BackendChecks backendChecks;
    private Clock clock = Clock.systemUTC();

    private Builder(ChainsightConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The proxy's event loops and its transport's channel classes (epoll or NIO). */
    public Builder eventLoops(
        EventLoopGroup group,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel) {
      this.group = group;
      this.serverChannel = serverChannel;
      this.clientChannel = clientChannel;
      return this;
    }

    public Builder metrics(MetricRegistry metrics) {
      this.metrics = metrics;
      return this;
    }

    /** The material being served now (read on every request, so a reload shows at once). */
    public Builder tlsMaterial(Supplier<TlsMaterial> material) {
      this.material = material;
      return this;
    }

    /** The TLS listener's address while it is bound, empty otherwise. */
    public Builder tlsListener(Supplier<Optional<InetSocketAddress>> tlsListener) {
      this.tlsListener = tlsListener;
      return this;
    }

    /**
     * For /version: the TLS engine, and the transport's name and why it fell back to NIO (null if
     * it did not).
     */
    public Builder runtime(TlsEngine engine, String transport, String transportFallback) {
      this.engine = engine;
      this.transport = transport;
      this.transportFallback = transportFallback;
      return this;
    }

    public Builder handshakeFailures(HandshakeFailures failures) {
      this.failures = Objects.requireNonNull(failures, "failures");
      return this;
    }

    /**
     * What POST /reload runs (the proxy's reload, given the trigger); without it, /reload answers
     * 501.
     */
    public Builder reloader(Function<String, ReloadResult> reloader) {
      this.reloader = reloader;
      return this;
    }

    /**
     * True once the proxy drains before stopping: /readyz then answers 503 so load balancers stop
     * sending.
     */
    /**
     * Why the last reload was refused, while the previous material keeps serving (shown by /readyz,
     * /certs).
     */
    public Builder refusedReload(Supplier<Optional<String>> refusedReload) {
      this.refusedReload = refusedReload;
      return this;
    }

    public Builder draining(BooleanSupplier draining) {
      this.draining = Objects.requireNonNull(draining, "draining");
      return this;
    }

    /**
     * The effective config with origins; without it, the settings records with origin "unknown".
     */
    public Builder configView(ConfigView configView) {
      this.configView = configView;
      return this;
    }

    /**
     * The backends to check for /readyz and {@code chainsight_backend_up} (the proxy passes every
     * backend its routes use); without it, {@code backend.url} alone, over TCP.
     */
    public Builder backendChecks(BackendChecks checks) {
      this.backendChecks = Objects.requireNonNull(checks, "checks");
      return this;
    }

    /**
     * The configuration being served, read on every request: {@code /config} shows its generation,
     * and the endpoints follow a reload (the files named, the admin token, the backend checked
     * without backendChecks). Without it, the builder's config is generation 1 for good.
     */
    public Builder generations(Supplier<ConfigGeneration> generations) {
      this.generations = generations;
      return this;
    }

    /**
     * How often the backend's TCP port is tried for /readyz (default 2 s), without backendChecks.
     */
    public Builder backendCheckInterval(Duration interval) {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException(
            "backend check interval: " + interval + " (expected: > 0)");
      }
      this.backendCheckInterval = interval;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Binds the admin listener and the probes listener (those that are enabled) and starts the
     * backend check.
     *
     * @throws ConfigException when a listener cannot bind, naming the address and the fix (as
     *     {@code run} prints)
     */
    public AdminServer start() throws ConfigException {
      Objects.requireNonNull(group, "eventLoops (expected: the proxy's EventLoopGroup)");
      Objects.requireNonNull(serverChannel, "eventLoops: serverChannel");
      Objects.requireNonNull(clientChannel, "eventLoops: clientChannel");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(material, "tlsMaterial");
      Objects.requireNonNull(tlsListener, "tlsListener");
      Objects.requireNonNull(engine, "runtime");
      AdminSettings settings = config.admin();
      if (!settings.enabled() && !settings.probes().enabled()) {
        throw new IllegalStateException(
            "admin.enabled = false and admin.probes.enabled = false: nothing to start");
      }
      Supplier<ConfigGeneration> current = generations != null ? generations : fixedGeneration();
      BackendChecks probe =
          backendChecks != null
              ? backendChecks
              : new BackendProbe(
                  group,
                  clientChannel,
                  () -> current.get().config().backend(),
                  backendCheckInterval,
                  clock);
      MinuteHistory history = new MinuteHistory(metrics, clock, HistoryEndpoint.FAMILIES);
      MinuteSampler sampler = new MinuteSampler(group.next(), history, clock);
      Channel channel = settings.enabled() ? bindAdmin(settings, probe, history, current) : null;
      Channel probesChannel = null;
      if (settings.probes().enabled()) {
        try {
          probesChannel = bindProbes(settings, probe);
        } catch (ConfigException | RuntimeException e) {
          if (channel != null) {
            channel.close().syncUninterruptibly();
          }
          throw e;
        }
      }
      probe.start();
      sampler.start();
      return new AdminServer(channel, probesChannel, probe, sampler);
    }

    private Channel bindAdmin(
        AdminSettings settings,
        BackendChecks probe,
        MinuteHistory history,
        Supplier<ConfigGeneration> current)
        throws ConfigException {
      Optional<BearerToken> token = BearerToken.of(settings.token());
      Channel channel =
          bind(
              "admin",
              settings.host(),
              settings.port(),
              routes(probe, history, current),
              tokenOf(current),
              "admin.enabled",
              true);
      InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
      // AdminSettings refuses a non-loopback admin.host without a token; this catches a name such
      // as
      // "localhost" that resolves to an exposed address.
      if (token.isEmpty() && !bound.getAddress().isLoopbackAddress()) {
        channel.close().syncUninterruptibly();
        throw new ConfigException(
            "admin.host: "
                + settings.host()
                + " resolved to "
                + bound.getAddress().getHostAddress()
                + ", which is not a loopback address, and admin.token is not set "
                + "(expected: admin.host = 127.0.0.1, or set admin.token)");
      }
      log.info(
          "admin endpoint on http://{}:{} ({})",
          printable(bound),
          bound.getPort(),
          token.isPresent() ? "bearer token required" : "loopback only, no token");
      return channel;
    }

    private Channel bindProbes(AdminSettings settings, BackendChecks probe) throws ConfigException {
      HealthEndpoints health =
          new HealthEndpoints(tlsListener, material, probe, draining, clock, refusedReload);
      // Text by default: what reads best in curl and in a HEALTHCHECK's log; ?format=json for JSON.
      AdminRoutes routes =
          new AdminRoutes(
              List.of(
                  new AdminRoutes.Route(
                      HttpMethod.GET,
                      "/healthz",
                      "liveness: 200 while the process serves",
                      Format.TEXT,
                      health::live),
                  new AdminRoutes.Route(
                      HttpMethod.GET,
                      "/readyz",
                      "readiness, with the names of the failed checks "
                          + "(details: /readyz on the admin endpoint)",
                      Format.TEXT,
                      health::readyBrief)));
      Channel channel =
          bind(
              "admin.probes",
              settings.probes().host(),
              settings.probes().port(),
              routes,
              Optional::empty,
              "admin.probes.enabled",
              false);
      InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
      log.info(
          "probes endpoint on http://{}:{} (GET /healthz and /readyz only, no token)",
          printable(bound),
          bound.getPort());
      return channel;
    }

    private static String printable(InetSocketAddress bound) {
      return bound.getAddress().isAnyLocalAddress()
          ? "0.0.0.0"
          : bound.getAddress().getHostAddress();
    }

    /**
     * @param prefix the settings' prefix in messages: {@code admin} or {@code admin.probes}
     * @param switchKey the key that turns this listener off
     */
    private Channel bind(
        String prefix,
        String host,
        int port,
        AdminRoutes routes,
        Supplier<Optional<BearerToken>> token,
        String switchKey,
        boolean adminListener)
        throws ConfigException {
      // The admin listener serves the page and, without a token, checks Host; the probes listener
      // answers its two paths to any name.
      AdminHandler.Options options =
          new AdminHandler.Options(
              adminListener, adminListener ? Optional.of(host) : Optional.empty());
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(serverChannel)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(HTTP, new HttpServerCodec())
                          .addLast(AGGREGATE, new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast(HANDLER, new AdminHandler(routes, token, options));
                    }
                  });
      ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        String address = host + ":" + port;
        String hint =
            String.valueOf(bound.cause().getMessage()).contains("in use")
                ? "another process listens there (find it with `ss -ltnp 'sport = :"
                    + port
                    + "'`); choose another "
                    + prefix
                    + ".port, or set "
                    + switchKey
                    + " = false"
                : "check " + prefix + ".host is an address of this machine";
        throw new ConfigException(
            prefix
                + ": cannot bind "
                + address
                + ": "
                + bound.cause().getMessage()
                + " ("
                + hint
                + ")");
      }
      return bound.channel();
    }

    private Supplier<ConfigGeneration> fixedGeneration() {
      ConfigGeneration fixed =
          new ConfigGeneration(
              1,
              clock.instant(),
              config,
              configView != null ? configView : RecordConfigView.of(config));
      return () -> fixed;
    }

    /** The token of the generation current at each request (parsed again only when it changed). */
    private static Supplier<Optional<BearerToken>> tokenOf(Supplier<ConfigGeneration> current) {
      return new Supplier<>() {
        private Optional<String> text = Optional.empty();
        private Optional<BearerToken> token = Optional.empty();

        @Override
        public synchronized Optional<BearerToken> get() {
          Optional<String> now = current.get().config().admin().token();
          if (!now.equals(text)) {
            text = now;
            token = BearerToken.of(now);
          }
          return token;
        }
      };
    }

    private AdminRoutes routes(
        BackendChecks probe, MinuteHistory history, Supplier<ConfigGeneration> current) {
      HealthEndpoints health =
          new HealthEndpoints(tlsListener, material, probe, draining, clock, refusedReload);
      MetricsEndpoint metricsEndpoint =
          new MetricsEndpoint(
              metrics, material, clock, new ReadinessGauges(health, refusedReload), probe);
      CertsEndpoint certs =
          new CertsEndpoint(
              material,
              () -> current.get().config().tls(),
              config.listen().host(),
              clock,
              refusedReload);
      HandshakesEndpoint handshakes = new HandshakesEndpoint(failures);
      ConfigEndpoint configEndpoint = new ConfigEndpoint(current);
      VersionEndpoint version = new VersionEndpoint(engine, transport, transportFallback);
      ReloadEndpoint reload = new ReloadEndpoint(reloader);
      HistoryEndpoint historyEndpoint = new HistoryEndpoint(history);
      return new AdminRoutes(
          List.of(
              route(
                  HttpMethod.GET,
                  "/healthz",
                  "liveness: 200 while the process serves",
                  health::live),
              route(
                  HttpMethod.GET,
                  "/readyz",
                  "readiness: TLS listener, certificate validity, the default backend reachable; every backend's state",
                  health::ready),
              new AdminRoutes.Route(
                  HttpMethod.GET,
                  "/metrics",
                  "Prometheus text exposition (?format=json for JSON)",
                  Format.TEXT,
                  metricsEndpoint::handle),
              route(
                  HttpMethod.GET,
                  "/certs",
                  "served chain, trust anchors and the lint of the served chain",
                  certs::handle),
              route(
                  HttpMethod.GET,
                  "/debug/handshakes",
                  "recent handshake failures, newest first " + "(?reason= ?client= ?limit=)",
                  handshakes::list),
              route(
                  HttpMethod.GET,
                  "/debug/handshakes/{id}",
                  "one handshake failure by the id in its log line",
                  handshakes::one),
              route(
                  HttpMethod.GET,
                  "/history",
                  "the last hour per minute: handshakes by result, failures by reason, requests by status",
                  historyEndpoint::handle),
              route(
                  HttpMethod.GET,
                  "/config",
                  "effective configuration with origins, secrets redacted",
                  configEndpoint::handle),
              route(
                  HttpMethod.POST,
                  "/reload",
                  "reload the config file and the TLS files it names (old kept on failure)",
                  reload::handle),
              route(
                  HttpMethod.GET,
                  "/version",
                  "build version, Java, TLS engine, transport",
                  version::handle)));
    }

    private static AdminRoutes.Route route(
        HttpMethod method, String path, String description, Endpoint endpoint) {
      return new AdminRoutes.Route(method, path, description, Format.JSON, endpoint);
    }
  }
}
