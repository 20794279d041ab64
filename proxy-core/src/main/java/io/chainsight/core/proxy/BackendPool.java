package io.chainsight.core.proxy;

import io.chainsight.core.config.BackendSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;

/**
 * Keep-alive connections to the backend, one pool per event loop: a client connection only ever borrows a
 * backend connection of its own event loop, so neither side crosses threads and the pool needs no locks.
 * Idle connections read with auto-read on, so a backend that closes one is noticed and it leaves the pool.
 */
final class BackendPool {
  private final Bootstrap template;
  private final BackendSettings settings;
  private final ProxyMetrics metrics;
  private final FastThreadLocal<Local> local = new FastThreadLocal<>() {
    @Override
    protected Local initialValue() {
      return new Local();
    }
  };

  BackendPool(Transport transport, BackendSettings settings, ProxyMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.template = new Bootstrap()
        .channel(transport.clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(PipelineNames.HTTP_CLIENT, new HttpClientCodec())
                .addLast(PipelineNames.BACKEND, new BackendHandler());
          }
        });
  }

  /** A connection for this event loop: an idle one if any is still open, else a new one. */
  Future<Channel> acquire(EventLoop loop) {
    assert loop.inEventLoop();
    ArrayDeque<Channel> idle = local.get().idle;
    Channel channel;
    while ((channel = idle.pollLast()) != null) {
      if (channel.isActive()) {
        channel.config().setAutoRead(false);
        return loop.newSucceededFuture(channel);
      }
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect = template.clone(loop).connect(settings.host(), settings.port());
    connect.addListener(f -> {
      if (f.isSuccess()) {
        Channel fresh = connect.channel();
        metrics.backendConnections().inc();
        fresh.closeFuture().addListener(c -> {
          metrics.backendConnections().dec();
          local.get().idle.remove(fresh);
        });
        promise.setSuccess(fresh);
      } else {
        promise.setFailure(f.cause());
      }
    });
    return promise;
  }

  /** Back to the pool after a complete, well-framed exchange; closed instead when the pool is full. */
  void release(Channel channel) {
    assert channel.eventLoop().inEventLoop();
    ArrayDeque<Channel> idle = local.get().idle;
    if (!channel.isActive() || idle.size() >= settings.maxIdleConnections()) {
      channel.close();
      return;
    }
    channel.pipeline().get(BackendHandler.class).unbind();
    idle.addLast(channel);
    channel.config().setAutoRead(true);
  }

  /** Number of idle connections of the calling event loop (for tests and metrics). */
  int idleCount() {
    return local.get().idle.size();
  }

  private static final class Local {
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
  }
}
