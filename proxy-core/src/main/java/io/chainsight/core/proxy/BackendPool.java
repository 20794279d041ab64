package io.chainsight.core.proxy;

import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keep-alive connections to the backend, one pool per event loop: a client connection only ever
 * borrows a backend connection of its own event loop, so neither side crosses threads and the pool
 * needs no locks. An idle connection has a read requested, so a backend that closes one is noticed
 * and it leaves the pool. A reload builds new pools and {@link #close closes} the old: their idle
 * connections close at once, those lent to an exchange in flight when it ends.
 */
final class BackendPool {
  private final Bootstrap template;
  private final BackendTarget target;
  private final ProxyMetrics metrics;

  /** Every event loop's idle connections, so {@link #close} can reach them from another thread. */
  private final Queue<Local> locals = new ConcurrentLinkedQueue<>();

  private volatile boolean closed;
  private final FastThreadLocal<Local> local =
      new FastThreadLocal<>() {
        @Override
        protected Local initialValue() {
          return new Local();
        }
      };

  BackendPool(Transport transport, BackendTarget target, ProxyMetrics metrics) {
    this.target = target;
    this.metrics = metrics;
    this.template =
        new Bootstrap()
            .channel(transport.clientChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) target.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.AUTO_READ, false)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    target
                        .tls()
                        .ifPresent(
                            tls -> {
                              SslHandler handler =
                                  tls.newHandler(ch.alloc(), target.serverName(), target.port());
                              handler.setHandshakeTimeoutMillis(target.connectTimeout().toMillis());
                              ch.pipeline()
                                  .addLast(PipelineNames.BACKEND_TLS, handler)
                                  .addLast(PipelineNames.BACKEND_TLS_ERRORS, new FatalAlertFlush())
                                  .addLast(
                                      PipelineNames.BACKEND_ACCEPTED, new AcceptedSignal(metrics));
                            });
                    ch.pipeline()
                        .addLast(PipelineNames.HTTP_CLIENT, new HttpClientCodec())
                        .addLast(PipelineNames.BACKEND, new BackendHandler(() -> pool(ch)));
                  }
                });
  }

  BackendTarget target() {
    return target;
  }

  /**
   * An idle connection of this event loop that is still open, or null: then {@link #connect}. Its
   * read is already requested (see {@link #release}), which the exchange's response then answers.
   */
  Channel pollIdle(EventLoop loop) {
    assert loop.inEventLoop();
    if (closed) {
      return null; // a reload closed this pool; an exchange that chose it before connects anew
    }
    ArrayDeque<Channel> idle = local(loop).idle;
    Channel channel;
    while ((channel = idle.pollLast()) != null) {
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  /** A new connection for this event loop, usable once connected (and verified, for https). */
  Future<Channel> connect(EventLoop loop) {
    assert loop.inEventLoop();
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect = template.clone(loop).connect(target.host(), target.port());
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            promise.setFailure(f.cause());
            return;
          }
          Channel fresh = connect.channel();
          metrics.backendConnections().inc();
          fresh
              .closeFuture()
              .addListener(
                  c -> {
                    metrics.backendConnections().dec();
                    Local mine = local.getIfExists();
                    if (mine != null) {
                      mine.idle.remove(fresh);
                    }
                  });
          SslHandler tls = fresh.pipeline().get(SslHandler.class);
          if (tls == null) {
            promise.setSuccess(fresh);
            return;
          }
          // An https backend is usable once its certificate verified; auto-read is off, so read the
          // handshake.
          tls.handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      promise.setSuccess(fresh);
                    } else {
                      fresh.close();
                      promise.setFailure(
                          new HandshakeFailed(
                              (InetSocketAddress) fresh.remoteAddress(), h.cause()));
                    }
                  });
          fresh.read();
        });
    return promise;
  }

  /**
   * Back to the pool after a complete, well-framed exchange; closed instead when the pool is full.
   * Pooled only once the current read has been decoded to its end: anything the backend sent after
   * the response then reaches the unbound BackendHandler, which closes the connection, instead of
   * the next pipelined request.
   */
  void release(Channel channel) {
    BackendHandler handler = channel.pipeline().get(BackendHandler.class);
    handler.unbind();
    channel.eventLoop().execute(handler.backToPool());
  }

  private void pool(Channel channel) {
    assert channel.eventLoop().inEventLoop();
    if (closed) {
      channel.close();
      return;
    }
    ArrayDeque<Channel> idle = local(channel.eventLoop()).idle;
    if (!channel.isActive() || idle.size() >= target.maxIdleConnections()) {
      channel.close();
      return;
    }
    idle.addLast(channel);
    // One read requested while it waits, so a backend that closes it is noticed: auto-read stays
    // off, since switching it on here and off again at the next exchange costs two epoll_ctl calls
    // per request.
    channel.read();
  }

  /**
   * A reload replaced this pool: its idle connections close now, each on its own event loop, and a
   * connection an exchange still holds closes when the exchange gives it back.
   */
  void close() {
    closed = true;
    for (Local each : locals) {
      if (each.loop.isShuttingDown()) {
        continue; // its channels close with it
      }
      each.loop.execute(
          () -> {
            Channel channel;
            while ((channel = each.idle.pollLast()) != null) {
              channel.close();
            }
            // The loop's thread would otherwise keep this pool's slot (and the pool) for good.
            local.remove();
          });
    }
  }

  private Local local(EventLoop loop) {
    Local mine = local.get();
    if (mine.loop == null) {
      mine.loop = loop;
      locals.add(mine);
    }
    return mine;
  }

  /** Number of idle connections of the calling event loop (for tests and metrics). */
  int idleCount() {
    return local.get().idle.size();
  }

  private static final class Local {
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
    EventLoop loop; // set on first use, on that loop
  }

  /** The TCP connection was made, the TLS handshake on it failed. */
  static final class HandshakeFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient InetSocketAddress peer;

    HandshakeFailed(InetSocketAddress peer, Throwable cause) {
      super("TLS handshake with " + peer + " failed", cause);
      this.peer = peer;
    }

    InetSocketAddress peer() {
      return peer;
    }
  }

  /**
   * Counts the backend hop's handshake as accepted at the first application data: in TLS 1.3 a
   * backend judges our client certificate only after our side of the handshake completed, so the
   * handshake's end alone does not tell. Then leaves the pipeline.
   */
  private static final class AcceptedSignal extends ChannelInboundHandlerAdapter {
    private final ProxyMetrics metrics;

    AcceptedSignal(ProxyMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      metrics.handshakeSucceeded(ProxyMetrics.BACKEND);
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
    }
  }
}
