package io.chainsight.core.proxy;

import io.chainsight.core.admin.BackendChecks;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.report.HandshakeFailure;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks every backend the routes use, in the background: an http backend by a TCP connect (every 2
 * s), an https backend by a real TLS handshake with the route's client certificate and trust (every
 * 10 s, a modest load on a registrar that logs each connection), and all of them at once after each
 * reload. A TLS 1.3 server judges the client certificate only after the client's side of the
 * handshake is done, so a handshake counts as accepted when the backend has not answered it with an
 * alert within a second. A failed handshake is reported like the hop's others (one log event,
 * counted, kept at /debug/handshakes) when it starts or its reason changes, not at every check, so
 * a backend that stays down does not flood the recent failures; its state keeps the failure id.
 *
 * <p>Each backend is checked on one event loop, which owns its scheduling state.
 */
final class BackendMonitor implements BackendChecks {
  static final Duration TCP_INTERVAL = Duration.ofSeconds(2);
  static final Duration TLS_INTERVAL = Duration.ofSeconds(10);
  private static final Duration VERDICT_WAIT = Duration.ofSeconds(1);

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final BackendHandshakeReporter reporter;
  private final Clock clock;
  private final List<Watched> watched;
  private volatile boolean closed;

  BackendMonitor(
      EventLoopGroup group,
      Class<? extends SocketChannel> channelType,
      Router router,
      BackendTarget defaultBackend,
      BackendHandshakeReporter reporter,
      Clock clock) {
    this.group = group;
    this.channelType = channelType;
    this.reporter = reporter;
    this.clock = clock;
    // One entry per pool (routes with the same backend and TLS settings share one), default first.
    Map<BackendPool, List<String>> routesByPool = new IdentityHashMap<>();
    List<BackendPool> pools = new ArrayList<>();
    for (Router.Route route : router.routes()) {
      if (!routesByPool.containsKey(route.pool())) {
        pools.add(route.pool());
        routesByPool.put(route.pool(), new ArrayList<>());
      }
      routesByPool.get(route.pool()).add(route.name());
    }
    List<Watched> all = new ArrayList<>();
    Watched defaultOne = null;
    for (BackendPool pool : pools) {
      BackendTarget target = pool.target();
      boolean isDefault =
          defaultOne == null && target.tls().isEmpty() && target.url().equals(defaultBackend.url());
      Watched w = new Watched(target, isDefault, routesByPool.get(pool));
      if (isDefault) {
        defaultOne = w;
      } else {
        all.add(w);
      }
    }
    if (defaultOne == null) {
      defaultOne = new Watched(defaultBackend, true, List.of());
    }
    all.add(0, defaultOne);
    this.watched = List.copyOf(all);
  }

  @Override
  public void start() {
    watched.forEach(w -> w.loop.execute(w::check));
  }

  /** Checks every backend now (after a reload), then on the usual schedule. */
  void checkNow() {
    watched.forEach(w -> w.loop.execute(w::checkNow));
  }

  @Override
  public List<BackendState> states() {
    return watched.stream().map(w -> w.state).toList();
  }

  @Override
  public void close() {
    closed = true;
  }

  /** One backend, checked on its own event loop. */
  private final class Watched {
    final BackendTarget target;
    final boolean isDefault;
    final List<String> routes;
    final EventLoop loop = group.next();
    final Duration interval;
    volatile BackendState state;

    // Owned by the event loop.
    private ScheduledFuture<?> next;
    private boolean running;
    private boolean again;
    private String lastFailureKey;
    private String lastFailureId;

    Watched(BackendTarget target, boolean isDefault, List<String> routes) {
      this.target = target;
      this.isDefault = isDefault;
      this.routes = List.copyOf(routes);
      this.interval = target.tls().isPresent() ? TLS_INTERVAL : TCP_INTERVAL;
      this.state =
          new BackendState(
              url(),
              isDefault,
              routes,
              State.UNKNOWN,
              "backend " + target.address() + " not checked yet",
              Optional.empty(),
              clock.instant(),
              interval);
    }

    String url() {
      return target.url().getScheme() + "://" + target.host() + ":" + target.port();
    }

    void checkNow() {
      if (running) {
        again = true;
        return;
      }
      if (next != null) {
        next.cancel(false);
      }
      check();
    }

    void check() {
      if (closed || loop.isShuttingDown()) {
        return;
      }
      running = true;
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(channelType)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) target.connectTimeout().toMillis());
      if (target.tls().isEmpty()) {
        bootstrap.handler(new ChannelInboundHandlerAdapter());
      } else {
        bootstrap.handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                SslHandler tls =
                    target.tls().get().newHandler(ch.alloc(), target.serverName(), target.port());
                tls.setHandshakeTimeoutMillis(target.connectTimeout().toMillis());
                ch.pipeline().addLast(tls, new Verdict());
              }
            });
      }
      ChannelFuture connect = bootstrap.connect(target.host(), target.port());
      connect.addListener(
          f -> {
            if (!f.isSuccess()) {
              down(
                  "backend "
                      + target.address()
                      + " does not accept TCP connections: "
                      + f.cause().getMessage()
                      + " (expected: the service behind "
                      + (isDefault ? "backend.url = " : "")
                      + target.url()
                      + " listening; check it runs and `ss -ltn 'sport = :"
                      + target.port()
                      + "'`)",
                  Optional.empty());
              return;
            }
            if (target.tls().isEmpty()) {
              connect.channel().close();
              up("backend " + target.address() + " accepts TCP connections");
            }
          });
    }

    void up(String detail) {
      lastFailureKey = null;
      lastFailureId = null;
      record(State.UP, detail, Optional.empty());
    }

    void down(String detail, Optional<String> failureId) {
      record(State.DOWN, detail, failureId);
    }

    /** The TLS handshake failed: reported when the failure starts or its reason changes. */
    void handshakeFailed(Channel channel, Throwable cause) {
      ChainDiagnosis diagnosis = BackendHandshakeReporter.classify(target, cause, clock.instant());
      String key =
          diagnosis.reason().map(Enum::name).orElse("")
              + "|"
              + diagnosis.receivedAlert().map(Enum::name).orElse("");
      if (!key.equals(lastFailureKey) || lastFailureId == null) {
        HandshakeFailure failure =
            reporter.report(target, (InetSocketAddress) channel.remoteAddress(), diagnosis);
        lastFailureKey = key;
        lastFailureId = failure.id();
      }
      String explanation = diagnosis.failure().orElseThrow().explanation().strip();
      down(
          "TLS handshake with backend "
              + target.address()
              + " failed: "
              + diagnosis.reason().orElseThrow()
              + ": "
              + (explanation.endsWith(".")
                  ? explanation.substring(0, explanation.length() - 1)
                  : explanation)
              + "; failure id "
              + lastFailureId,
          Optional.of(lastFailureId));
    }

    private void record(State result, String detail, Optional<String> failureId) {
      state =
          new BackendState(
              url(), isDefault, routes, result, detail, failureId, clock.instant(), interval);
      running = false;
      if (closed || loop.isShuttingDown()) {
        return;
      }
      if (again) {
        again = false;
        loop.execute(this::check);
        return;
      }
      // The next check is due an interval after this one ended, so a slow one never overlaps.
      next = loop.schedule(this::check, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for the handshake, then up to {@link #VERDICT_WAIT} for the backend's alert about our
     * client certificate; decides once.
     */
    private final class Verdict extends ChannelInboundHandlerAdapter {
      private boolean decided;
      private ScheduledFuture<?> timer;

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        ctx.pipeline()
            .get(SslHandler.class)
            .handshakeFuture()
            .addListener(
                h -> {
                  if (!h.isSuccess()) {
                    fail(ctx, h.cause());
                    return;
                  }
                  timer =
                      ctx.executor()
                          .schedule(
                              () -> accept(ctx),
                              Math.min(VERDICT_WAIT.toMillis(), target.connectTimeout().toMillis()),
                              TimeUnit.MILLISECONDS);
                });
        ctx.fireChannelActive();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        // Closed without an alert before the verdict: the backend hung up on us.
        fail(ctx, new ClosedChannelException());
        ctx.fireChannelInactive();
      }

      private void accept(ChannelHandlerContext ctx) {
        if (decided) {
          return;
        }
        decided = true;
        reporter.succeeded();
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        String protocol = tls.engine().getSession().getProtocol();
        ctx.close();
        up(
            "TLS handshake with backend "
                + target.address()
                + " accepted ("
                + protocol
                + (target.clientChain().isEmpty()
                    ? ", no client certificate"
                    : ", client certificate " + Certificates.subject(target.clientChain().get(0)))
                + ")");
      }

      private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (decided) {
          return;
        }
        decided = true;
        if (timer != null) {
          timer.cancel(false);
        }
        handshakeFailed(ctx.channel(), cause);
        ctx.close();
      }
    }
  }
}
