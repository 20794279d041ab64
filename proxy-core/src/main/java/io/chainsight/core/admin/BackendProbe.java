package io.chainsight.core.admin;

import io.chainsight.core.config.BackendSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Whether the backend accepts TCP connections, checked in the background every few seconds (never
 * per request, so /readyz is cheap and a busy prober cannot flood the registrar). Connects, then
 * closes at once; the next check is due an interval after the last one ended. Each check tries the
 * backend of the configuration current then, so a reload that moves {@code backend.url} is
 * followed.
 */
final class BackendProbe implements BackendChecks {
  /**
   * The last check: when, and what was found; {@code reachable} false with detail "not checked yet"
   * at first.
   */
  record Result(boolean reachable, String detail, Instant checkedAt) {}

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channel;
  private final Supplier<BackendSettings> backends;
  private final Duration interval;
  private final Clock clock;
  private volatile Result last;
  private volatile boolean closed;

  BackendProbe(
      EventLoopGroup group,
      Class<? extends SocketChannel> channel,
      Supplier<BackendSettings> backends,
      Duration interval,
      Clock clock) {
    this.group = group;
    this.channel = channel;
    this.backends = backends;
    this.interval = interval;
    this.clock = clock;
    this.last =
        new Result(
            false, "backend " + backends.get().address() + " not checked yet", clock.instant());
  }

  @Override
  public void start() {
    group.next().execute(this::check);
  }

  /** The one backend this probe knows, {@code backend.url}, over TCP. */
  @Override
  public java.util.List<BackendState> states() {
    Result result = last;
    return java.util.List.of(
        new BackendState(
            backends.get().url().toString(),
            true,
            java.util.List.of(),
            result.detail().endsWith("not checked yet")
                ? State.UNKNOWN
                : result.reachable() ? State.UP : State.DOWN,
            result.detail(),
            java.util.Optional.empty(),
            result.checkedAt(),
            interval));
  }

  Result last() {
    return last;
  }

  Duration interval() {
    return interval;
  }

  private void check() {
    BackendSettings backend = backends.get();
    ChannelFuture connect =
        new Bootstrap()
            .group(group.next())
            .channel(channel)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) backend.connectTimeout().toMillis())
            .handler(new ChannelInboundHandlerAdapter())
            .connect(backend.host(), backend.port());
    connect.addListener(
        f -> {
          // The next check is scheduled when this one ends, so a slow connect never overlaps the
          // next.
          EventLoop loop = connect.channel().eventLoop();
          if (!closed && !loop.isShuttingDown()) {
            loop.schedule(this::check, interval.toMillis(), TimeUnit.MILLISECONDS);
          }
          if (f.isSuccess()) {
            last =
                new Result(
                    true,
                    "backend " + backend.address() + " accepts TCP connections",
                    clock.instant());
            connect.channel().close();
          } else {
            last =
                new Result(
                    false,
                    "backend "
                        + backend.address()
                        + " does not accept TCP connections: "
                        + f.cause().getMessage()
                        + " (expected: the service behind backend.url = "
                        + backend.url()
                        + " listening; check it runs and `ss -ltn 'sport = :"
                        + backend.port()
                        + "'`)",
                    clock.instant());
          }
        });
  }

  @Override
  public void close() {
    closed = true;
  }
}
