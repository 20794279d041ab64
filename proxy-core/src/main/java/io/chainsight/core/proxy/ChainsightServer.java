package io.chainsight.core.proxy;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.admin.AdminServer;
import io.chainsight.core.admin.ConfigView;
import io.chainsight.core.admin.EffectiveConfigView;
import io.chainsight.core.admin.RecentHandshakeFailures;
import io.chainsight.core.admin.RecordConfigView;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.KeyFilePermissions;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.Durations;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.lint.LintLog;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.tls.CredentialWatcher;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: loads and checks the TLS material, binds the TLS listener and forwards to the
 * backend. {@link #start} returns once the listener is bound; {@link #close} stops it.
 */
public final class ChainsightServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainsightServer.class);
  private static final long WATCH_INTERVAL_MILLIS = 500;

  private final ChainsightConfig config;
  private final ProxyMetrics metrics;
  private final TlsEngine engine;
  private final Transport transport;
  private final EventLoopGroup group;
  private final Channel listener;
  private final AdminServer admin;
  private final ServerCredentials credentials;
  private final Router router;
  private final FailureReporter failures;
  private final CredentialWatcher watcher;
  private final ChannelGroup clients;
  private BackendMonitor backends; // null while the admin and probes listeners are off
  private volatile boolean draining;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChainsightServer(ChainsightConfig config, MetricRegistry registry, ConfigView configView)
      throws ConfigException, InterruptedException {
    this.config = config;
    this.metrics = new ProxyMetrics(registry);
    this.engine = TlsEngine.detect();
    this.transport = Transport.detect();
    this.router = Router.of(config, transport, engine, metrics);
    this.credentials = ServerCredentials.load(listenerTls(config.tls(), router), engine);
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
    try {
      HandshakeReporter reporter =
          new HandshakeReporter(
              metrics,
              failures,
              credentials::material,
              credentials.deferredRejections(),
              config.tls());
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ProxyInitializer(
                      config, credentials::context, router, metrics, reporter, failures, clients));
      this.listener = bind(bootstrap, config);
      this.admin =
          config.admin().enabled() || config.admin().probes().enabled()
              ? startAdmin(configView)
              : null;
    } catch (RuntimeException | InterruptedException | ConfigException e) {
      failures.close();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    logStartup();
    // The lint only logs: it runs beside the first clients instead of before readiness (signature
    // checks in a JVM that has just started take a tenth of a second).
    TlsMaterial served = credentials.material();
    Thread lint =
        new Thread(
            () -> LintLog.lintServedChain(served, config.listen().host()), "chainsight-lint");
    lint.setDaemon(true);
    lint.start();
    this.watcher = CredentialWatcher.watch(config.tls(), WATCH_INTERVAL_MILLIS, this::reload);
    // The ticket key is replaced on this schedule as well as by every reload (SessionTickets).
    long rotation = config.tls().sessionTicketRotation().toMillis();
    group
        .next()
        .scheduleAtFixedRate(credentials::newTicketKey, rotation, rotation, TimeUnit.MILLISECONDS);
  }

  /**
   * The handshake policy the listener needs: when some route lets clients in without a certificate,
   * the TLS layer asks for one but does not require it, and routes that require one answer 401
   * themselves.
   */
  private static TlsSettings listenerTls(TlsSettings tls, Router router) {
    if (tls.clientAuth() != TlsSettings.ClientAuth.REQUIRE || !router.anyOptional()) {
      return tls;
    }
    return new TlsSettings(
        tls.certificateChain(),
        tls.privateKey(),
        TlsSettings.ClientAuth.OPTIONAL,
        tls.trustedCas(),
        tls.crls(),
        tls.protocols(),
        tls.handshakeTimeout(),
        tls.clientAuthFailure(),
        tls.sessionTicketRotation());
  }

  private AdminServer startAdmin(ConfigView configView) throws ConfigException {
    this.backends =
        new BackendMonitor(
            group,
            transport.clientChannel(),
            router,
            BackendTarget.plain(config.backend()),
            new BackendHandshakeReporter(failures, metrics),
            Clock.systemUTC());
    return AdminServer.builder(config)
        .backendChecks(backends)
        .eventLoops(group, transport.serverChannel(), transport.clientChannel())
        .metrics(metrics.registry())
        .tlsMaterial(credentials::material)
        .tlsListener(() -> listener.isActive() ? Optional.of(tlsAddress()) : Optional.empty())
        .runtime(engine, transport.name(), transport.fallbackReason())
        .handshakeFailures(new RecentHandshakeFailures(failures))
        .reloader(this::reload)
        .draining(this::draining)
        .refusedReload(
            () ->
                credentials
                    .lastFailure()
                    .map(
                        f ->
                            f.trigger() + " at " + f.at() + ": " + String.join("; ", f.problems())))
        .configView(configView)
        .start();
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

  /** Starts the proxy from a loaded configuration (its origins are kept for the admin endpoint). */
  public static ChainsightServer start(EffectiveConfig effective) throws Exception {
    return new ChainsightServer(
        effective.config(), new MetricRegistry(), EffectiveConfigView.of(effective));
  }

  /** Starts the proxy with a fresh metric registry. */
  public static ChainsightServer start(ChainsightConfig config) throws Exception {
    return start(config, new MetricRegistry());
  }

  public static ChainsightServer start(ChainsightConfig config, MetricRegistry registry)
      throws Exception {
    return new ChainsightServer(config, registry, RecordConfigView.of(config));
  }

  private void logStartup() {
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
        forwarding());
    TlsMaterial material = credentials.material();
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
  private String forwarding() {
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
    return credentials.material();
  }

  /** The recent failed handshakes, with their diagnoses. */
  public FailureReporter failures() {
    return failures;
  }

  public ServerCredentials credentials() {
    return credentials;
  }

  /**
   * Loads the certificate, key, trust and CRL files again (on a file change, SIGHUP or the admin
   * endpoint); keeps serving the old material when the new is not usable. Logged and counted either
   * way.
   */
  public ServerCredentials.ReloadResult reload(String trigger) {
    ServerCredentials.ReloadResult result = credentials.reload(trigger);
    metrics.reload(result.outcome().name().toLowerCase(java.util.Locale.ROOT));
    if (result.outcome() == ServerCredentials.ReloadResult.Outcome.FAILED) {
      log.warn(result.describe());
    } else {
      log.info(result.describe());
    }
    if (result.outcome() == ServerCredentials.ReloadResult.Outcome.CHANGED) {
      LintLog.lintServedChain(credentials.material(), config.listen().host());
    }
    if (backends != null) {
      // Readiness tells the truth about the backends right after a reload, not an interval later.
      backends.checkNow();
    }
    return result;
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
    long deadline = System.nanoTime() + config.shutdown().drainTimeout().toNanos();
    log.info(
        "draining: no new connections; {} open connection(s) get up to {} to finish",
        clients.size(),
        Durations.human(config.shutdown().drainTimeout()));
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
          Durations.human(config.shutdown().drainTimeout()),
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
    watcher.close();
    if (admin != null) {
      admin.close();
    }
    listener.close().syncUninterruptibly();
    clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    failures.close();
  }
}
