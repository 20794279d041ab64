package io.chainsight.core.proxy;

import io.chainsight.core.config.Durations;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of a keep-alive connection with no request in flight: a connection that sends
 * nothing for {@code limits.idle-timeout} is closed quietly; one that has started a request head
 * but not finished it within {@code limits.request-header-timeout} (slowloris) gets a 408 and is
 * closed. While requests are outstanding neither clock runs (the backend's response timeout
 * applies).
 */
final class RequestTimeouts extends ChannelDuplexHandler {
  private final long idleMillis;
  private final long headerMillis;
  private final ProxyMetrics metrics;

  private int outstanding;
  private boolean informational;
  private boolean headStarted;
  private ScheduledFuture<?> timer;

  RequestTimeouts(LimitsSettings limits, ProxyMetrics metrics) {
    this.idleMillis = limits.idleTimeout().toMillis();
    this.headerMillis = limits.requestHeaderTimeout().toMillis();
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent
        && ((SslHandshakeCompletionEvent) event).isSuccess()) {
      waitForRequest(ctx);
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      outstanding++;
      headStarted = false;
      cancel();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    // Only bytes of a head start the clock: the read that ends the TLS handshake also ends here,
    // and counted as one
    // it gave every idle new connection a 408 after request-header-timeout, not idle-timeout
    // (HeldConnectionsIT).
    StrictHttpServerCodec codec = ctx.pipeline().get(StrictHttpServerCodec.class);
    if (outstanding == 0
        && !headStarted
        && timer != null
        && (codec == null || codec.headPending())) {
      // Bytes arrived but no complete head yet: from now on the header clock runs.
      headStarted = true;
      cancel();
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    timer = null;
                    if (outstanding == 0 && ctx.channel().isActive()) {
                      metrics.rejected("header-timeout");
                      ctx.writeAndFlush(
                              RegistrarEnvelope.response(
                                  ctx.alloc(),
                                  HttpResponseStatus.REQUEST_TIMEOUT,
                                  "Request Timeout: the request head did not arrive within "
                                      + Durations.human(Duration.ofMillis(headerMillis))
                                      + " (limits.request-header-timeout)",
                                  true))
                          .addListener(ChannelFutureListener.CLOSE);
                    }
                  },
                  headerMillis,
                  TimeUnit.MILLISECONDS);
    }
    super.channelReadComplete(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse) {
      int code = ((HttpResponse) msg).status().code();
      informational = code >= 100 && code < 200;
    }
    if (msg instanceof LastHttpContent) {
      if (informational) {
        informational = false;
      } else if (outstanding > 0 && --outstanding == 0) {
        promise = promise.unvoid();
        promise.addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess() && outstanding == 0 && ctx.channel().isActive()) {
                    waitForRequest(ctx);
                  }
                });
      }
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void waitForRequest(ChannelHandlerContext ctx) {
    cancel();
    headStarted = false;
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  timer = null;
                  if (outstanding == 0 && !headStarted) {
                    ctx.close();
                  }
                },
                idleMillis,
                TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
