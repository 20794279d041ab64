package io.chainsight.core.proxy;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.admin.AdminServer;
import io.chainsight.core.admin.BackendChecks;
import io.chainsight.core.admin.ConfigGeneration;
import io.chainsight.core.admin.EffectiveConfigView;
import io.chainsight.core.admin.RecentHandshakeFailures;
import io.chainsight.core.admin.RecordConfigView;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.KeyFilePermissions;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.config.Durations;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.config.ReloadResult;
import io.chainsight.core.json.JsonLayout;
import io.chainsight.core.lint.LintLog;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.tls.ServerCredentials;
import io.chainsight.core.tls.TlsEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: builds the first {@link Generation} (configuration, routes, TLS material),
 * binds the TLS listener and forwards to the backends; {@link #reload} swaps in a new generation
 * while it runs. {@link #start} returns once the listener is bound; {@link #close} stops it.
 */
public final class ChainsightServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainsightServer.class);

  private final ProxyMetrics metrics;
  private final TlsEngine engine;
  private final Transport transport;
  private final EventLoopGroup group;
  private final Channel listener;
  private final AdminServer admin;
  private final FailureReporter failures;
  private final ConfigReloader reloader;
  private final ChannelGroup clients;
  // Checks the backends of the serving generation; null while the admin and probes listeners are
  // off.
  private volatile BackendMonitor backends;
  private volatile boolean draining;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChainsightServer(
      ConfigSource source,
      EffectiveConfig loaded,
      MetricRegistry registry,
      Consumer<ChainsightConfig> onReload)
      throws ConfigException, InterruptedException {
    ChainsightConfig config = loaded.config();
    if (config.admin().enabled()) {
      // Readiness answers in JSON, and Jackson takes a fifth of a second to set up in a JVM that
      // has just started: done beside the listener's setup, on the other core, not after it.
      Thread json = new Thread(() -> JsonLayout.COMPACT.write(Map.of()), "chainsight-json-setup");
      json.setDaemon(true);
      json.start();
    }
    this.metrics = new ProxyMetrics(registry);
    this.engine = TlsEngine.detect();
    this.transport = Transport.detect();
    ServerCredentials credentials = new ServerCredentials(engine);
    Generation first = Generation.build(1, loaded, transport, engine, metrics, credentials);
    this.failures = new FailureReporter(config.diagnostics(), metrics, Clock.systemUTC());
    this.group = transport.newEventLoopGroup(config.listen().eventLoops());
    this.clients = new DefaultChannelGroup("chainsight-clients", group.next());
    metrics.eventLoopPendingTasks(
        () -> {
          long pending = 0;
          for (EventExecutor loop : group) {
            if (loop instanceof SingleThreadEventExecutor) {
              pending += ((SingleThreadEventExecutor) loop).pendingTasks();
            }
          }
          return pending;
        });
    this.reloader =
        new ConfigReloader(
            source, first, transport, engine, metrics, credentials, failures, clients, onReload);
    try {
      HandshakeReporter reporter =
          new HandshakeReporter(
              metrics,
              failures,
              () -> reloader.current().tls().material(),
              credentials.deferredRejections(),
              () -> reloader.current().tls().settings());
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ProxyInitializer(reloader::current, metrics, reporter, failures, clients));
      this.listener = bind(bootstrap, config);
      this.admin =
          config.admin().enabled() || config.admin().probes().enabled() ? startAdmin(config) : null;
    } catch (RuntimeException | InterruptedException | ConfigException e) {
      failures.close();
      first.router().close();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    logStartup();
    // The lint only logs: it runs beside the first clients instead of before readiness (signature
    // checks in a JVM that has just started take a tenth of a second).
    TlsMaterial served = first.tls().material();
    Thread lint =
        new Thread(
            () -> LintLog.lintServedChain(served, config.listen().host()), "chainsight-lint");
    lint.setDaemon(true);
    lint.start();
    reloader.watch();
    scheduleTicketRotation();
  }

  /**
   * The ticket key is replaced on this schedule as well as by every reload (SessionTickets); each
   * wait is the rotation period of the generation serving when it starts.
   */
  private void scheduleTicketRotation() {
    if (group.isShuttingDown()) {
      return;
    }
    long rotation = reloader.current().config().tls().sessionTicketRotation().toMillis();
    group
        .next()
        .schedule(
            () -> {
              reloader.current().tls().newTicketKey();
              scheduleTicketRotation();
            },
            rotation,
            TimeUnit.MILLISECONDS);
  }

  private AdminServer startAdmin(ChainsightConfig config) throws ConfigException {
    this.backends = backendMonitor(reloader.current());
    reloader.afterReload(this::followBackends);
    return AdminServer.builder(config)
        .backendChecks(
            new BackendChecks() {
              @Override
              public void start() {
                backends.start();
              }

              @Override
              public List<BackendState> states() {
                return backends.states();
              }

              @Override
              public void close() {
                backends.close();
              }
            })
        .eventLoops(group, transport.serverChannel(), transport.clientChannel())
        .metrics(metrics.registry())
        .tlsMaterial(() -> reloader.current().tls().material())
        .tlsListener(() -> listener.isActive() ? Optional.of(tlsAddress()) : Optional.empty())
        .runtime(engine, transport.name(), transport.fallbackReason())
        .handshakeFailures(new RecentHandshakeFailures(failures))
        .reloader(this::reload)
        .draining(this::draining)
        .refusedReload(
            () ->
                reloader
                    .lastRefused()
                    .map(
                        f ->
                            f.trigger() + " at " + f.at() + ": " + String.join("; ", f.problems())))
        .generations(
            () -> {
              Generation current = reloader.current();
              return new ConfigGeneration(
                  current.number(),
                  current.loadedAt(),
                  current.config(),
                  EffectiveConfigView.of(current.effective()));
            })
        .start();
  }

  private BackendMonitor backendMonitor(Generation generation) {
    return new BackendMonitor(
        group,
        transport.clientChannel(),
        generation.router(),
        BackendTarget.plain(generation.config().backend()),
        new BackendHandshakeReporter(failures, metrics),
        Clock.systemUTC());
  }

  /**
   * Readiness tells the truth about the backends right after a reload, not an interval later: the
   * same ones checked now, or the new generation's checked from now on.
   */
  private void followBackends(Generation before, Generation after) {
    BackendMonitor running = backends;
    if (after == before) {
      running.checkNow();
      return;
    }
    BackendMonitor fresh = backendMonitor(after);
    fresh.start();
    backends = fresh;
    running.close();
  }

  private static Channel bind(ServerBootstrap bootstrap, ChainsightConfig config)
      throws InterruptedException, ConfigException {
    ChannelFuture bound = bootstrap.bind(config.listen().host(), config.listen().port()).await();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      String address = config.listen().host() + ":" + config.listen().port();
      String hint =
          String.valueOf(cause.getMessage()).contains("in use")
              ? "another process listens there (find it with `ss -ltnp 'sport = :"
                  + config.listen().port()
                  + "'`) or choose another listen.port"
              : config.listen().port() < 1024
                  ? "ports below 1024 need CAP_NET_BIND_SERVICE (see config/chainsight.service)"
                  : "check listen.host is an address of this machine";
      throw new ConfigException(
          "listen: cannot bind " + address + ": " + cause.getMessage() + " (" + hint + ")");
    }
    return bound.channel();
  }

  /**
   * Starts the proxy from a configuration loaded from {@code source}; each reload reads {@code
   * source} again and, once the new configuration is in use, hands it to {@code onReload} (e.g. to
   * switch the log format).
   */
  public static ChainsightServer start(
      ConfigSource source, EffectiveConfig loaded, Consumer<ChainsightConfig> onReload)
      throws Exception {
    return new ChainsightServer(source, loaded, new MetricRegistry(), onReload);
  }

  /**
   * Starts the proxy from a loaded configuration (its origins are kept for the admin endpoint); a
   * reload reads the TLS files it names again, not the configuration.
   */
  public static ChainsightServer start(EffectiveConfig effective) throws Exception {
    return start(ConfigSource.fixed(effective), effective, config -> {});
  }

  /** Starts the proxy with a fresh metric registry. */
  public static ChainsightServer start(ChainsightConfig config) throws Exception {
    return start(config, new MetricRegistry());
  }

  public static ChainsightServer start(ChainsightConfig config, MetricRegistry registry)
      throws Exception {
    EffectiveConfig effective =
        new EffectiveConfig(
            config,
            RecordConfigView.of(config).entries().stream()
                .map(e -> new EffectiveConfig.Entry(e.key(), e.value(), e.origin()))
                .toList());
    return new ChainsightServer(ConfigSource.fixed(effective), effective, registry, c -> {});
  }

  private void logStartup() {
    Generation first = reloader.current();
    ChainsightConfig config = first.config();
    if (engine.fallbackReason() != null) {
      log.warn(
          "TLS engine: {} (BoringSSL via netty-tcnative did not load: {})",
          engine.description(),
          engine.fallbackReason());
    }
    if (transport.fallbackReason() != null) {
      log.warn("transport: nio (native epoll did not load: {})", transport.fallbackReason());
    }
    KeyFilePermissions.warning("tls.private-key", config.tls().privateKey()).ifPresent(log::warn);
    log.info(
        "chainsight listening on https://{} (TLS engine {}, transport {}), client-auth {}, forwarding to {}",
        format(tlsAddress()),
        engine.description(),
        transport.name(),
        config.clientAuthPolicy(),
        forwarding(config));
    TlsMaterial material = first.tls().material();
    log.info(
        "serving chain: {}",
        material.chain().stream().map(Certificates::subject).collect(Collectors.joining(" <- ")));
    for (X509Certificate anchor : material.trustAnchors()) {
      log.info("trusting client certificates issued under: {}", Certificates.subject(anchor));
    }
  }

  /**
   * {@code http://127.0.0.1:8890}, or with routes to other backends {@code http://127.0.0.1:8890
   * (default), https://127.0.0.1:8891}.
   */
  private static String forwarding(ChainsightConfig config) {
    java.util.Set<String> urls = new java.util.LinkedHashSet<>();
    urls.add(config.backend().url().toString());
    config.routes().forEach(r -> r.backend().ifPresent(url -> urls.add(url.toString())));
    return urls.size() == 1
        ? config.backend().url().toString()
        : config.backend().url()
            + " (default), "
            + String.join(", ", urls.stream().skip(1).toList());
  }

  private static String format(InetSocketAddress address) {
    // A wildcard bind reads better as configured (0.0.0.0) than as the IPv6 any-address the socket
    // reports.
    String host =
        address.getAddress().isAnyLocalAddress()
            ? "0.0.0.0"
            : address.getAddress().getHostAddress();
    return host + ":" + address.getPort();
  }

  public InetSocketAddress tlsAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The admin listener's address; empty when {@code admin.enabled = false}. */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(admin).flatMap(AdminServer::adminAddress);
  }

  /** The probes listener's address; empty when {@code admin.probes.enabled = false}. */
  public Optional<InetSocketAddress> probesAddress() {
    return Optional.ofNullable(admin).flatMap(AdminServer::probesAddress);
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public TlsEngine engine() {
    return engine;
  }

  public Transport transport() {
    return transport;
  }

  public TlsMaterial material() {
    return reloader.current().tls().material();
  }

  /** The listener's TLS material, policy and context serving new handshakes now. */
  public ServerCredentials.Loaded servedTls() {
    return reloader.current().tls();
  }

  /** The recent failed handshakes, with their diagnoses. */
  public FailureReporter failures() {
    return failures;
  }

  /** The generation serving now: 1 at start, one more for each reload that changed something. */
  public long generation() {
    return reloader.current().number();
  }

  /** The last refused reload, while no reload has succeeded since (also on /readyz and /certs). */
  public Optional<ReloadResult> lastRefusedReload() {
    return reloader.lastRefused();
  }

  /**
   * Reads the configuration and every file it names again (on a file change, SIGHUP or the admin
   * endpoint) and, when all of it is usable, serves new requests and handshakes with it; otherwise
   * keeps serving the running generation. Logged (with the changed keys) and counted either way.
   */
  public ReloadResult reload(String trigger) {
    return reloader.reload(trigger);
  }

  /** True from the moment a drain starts: readiness turns false so load balancers stop sending. */
  public boolean draining() {
    return draining;
  }

  /**
   * Graceful stop: no new connections, idle keep-alive connections closed, requests in flight given
   * up to {@code shutdown.drain-timeout} (their responses say Connection: close), then everything
   * is closed.
   */
  public void drainAndClose() {
    if (draining) {
      return;
    }
    draining = true;
    Duration drainTimeout = reloader.current().config().shutdown().drainTimeout();
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    log.info(
        "draining: no new connections; {} open connection(s) get up to {} to finish",
        clients.size(),
        Durations.human(drainTimeout));
    listener.close().syncUninterruptibly();
    clients.forEach(channel -> channel.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    while (!clients.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!clients.isEmpty()) {
      log.warn(
          "drain timeout ({}) reached: closing {} connection(s) with requests still in flight",
          Durations.human(drainTimeout),
          clients.size());
    }
    close();
  }

  /** Blocks until the proxy has stopped (after {@link #close} or a drain). */
  public void awaitClose() throws InterruptedException {
    group.terminationFuture().await();
  }

  /**
   * Stops everything; a second call (after a drain, which ends here too) does nothing, since the
   * event loops it would hand the closes to are gone.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    draining = true;
    reloader.close();
    if (admin != null) {
      admin.close();
    }
    listener.close().syncUninterruptibly();
    clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    failures.close();
  }
}
