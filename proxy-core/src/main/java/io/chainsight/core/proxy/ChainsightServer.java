package io.chainsight.core.proxy;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.tls.ServerTlsContext;
import io.chainsight.core.tls.TlsEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: loads and checks the TLS material, binds the TLS listener and forwards to the backend.
 * {@link #start} returns once the listener is bound; {@link #close} stops it.
 */
public final class ChainsightServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChainsightServer.class);

  private final ChainsightConfig config;
  private final ProxyMetrics metrics;
  private final TlsEngine engine;
  private final Transport transport;
  private final EventLoopGroup group;
  private final Channel listener;
  private volatile SslContext sslContext;
  private volatile TlsMaterial material;

  private ChainsightServer(ChainsightConfig config, MetricRegistry registry) throws ConfigException, SSLException,
      InterruptedException {
    this.config = config;
    this.metrics = new ProxyMetrics(registry);
    this.engine = TlsEngine.detect();
    this.transport = Transport.detect();
    this.material = TlsMaterial.load(config.tls());
    this.sslContext = ServerTlsContext.build(config.tls(), material, engine);
    this.group = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors());
    try {
      BackendPool pool = new BackendPool(transport, config.backend(), metrics);
      HandshakeReporter reporter = new HandshakeReporter(metrics);
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(group)
          .channel(transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ProxyInitializer(config, () -> sslContext, pool, metrics, reporter));
      this.listener = bind(bootstrap, config);
    } catch (RuntimeException | InterruptedException | ConfigException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    logStartup();
  }

  private static Channel bind(ServerBootstrap bootstrap, ChainsightConfig config) throws InterruptedException,
      ConfigException {
    ChannelFuture bound = bootstrap.bind(config.listen().host(), config.listen().port()).await();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      String address = config.listen().host() + ":" + config.listen().port();
      String hint = String.valueOf(cause.getMessage()).contains("in use")
          ? "another process listens there (find it with `ss -ltnp 'sport = :" + config.listen().port()
              + "'`) or choose another listen.port"
          : config.listen().port() < 1024
              ? "ports below 1024 need CAP_NET_BIND_SERVICE (see config/chainsight.service)"
              : "check listen.host is an address of this machine";
      throw new ConfigException("listen: cannot bind " + address + ": " + cause.getMessage() + " (" + hint + ")");
    }
    return bound.channel();
  }

  /** Starts the proxy from a loaded configuration (its origins are kept for the admin endpoint). */
  public static ChainsightServer start(EffectiveConfig effective) throws Exception {
    return start(effective.config(), new MetricRegistry());
  }

  /** Starts the proxy with a fresh metric registry. */
  public static ChainsightServer start(ChainsightConfig config) throws Exception {
    return start(config, new MetricRegistry());
  }

  public static ChainsightServer start(ChainsightConfig config, MetricRegistry registry) throws Exception {
    return new ChainsightServer(config, registry);
  }

  private void logStartup() {
    if (engine.fallbackReason() != null) {
      log.warn("TLS engine: {} (BoringSSL via netty-tcnative did not load: {})", engine.description(),
          engine.fallbackReason());
    }
    if (transport.fallbackReason() != null) {
      log.warn("transport: nio (native epoll did not load: {})", transport.fallbackReason());
    }
    log.info("chainsight listening on https://{} (TLS engine {}, transport {}), client-auth {}, forwarding to {}",
        format(tlsAddress()), engine.description(), transport.name(),
        config.tls().clientAuth().name().toLowerCase(), config.backend().url());
    log.info("serving chain: {}", material.chain().stream().map(Certificates::subject)
        .collect(Collectors.joining(" <- ")));
    for (X509Certificate anchor : material.trustAnchors()) {
      log.info("trusting client certificates issued under: {}", Certificates.subject(anchor));
    }
  }

  private static String format(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  public InetSocketAddress tlsAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The admin listener's address, once it exists (admin issue). */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.empty();
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
    return material;
  }

  /** Blocks until the listener closes. */
  public void awaitClose() throws InterruptedException {
    listener.closeFuture().await();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
