package io.chainsight.core.proxy;

import io.chainsight.core.config.Durations;
import io.chainsight.core.config.LimitsSettings;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;

/**
 * The two clocks of a keep-alive connection with no request in flight: a connection that sends
 * nothing for {@code limits.idle-timeout} is closed quietly; one that has started a request head
 * but not finished it within {@code limits.request-header-timeout} (slowloris) gets a 408 and is
 * closed. While requests are outstanding neither clock runs (the backend's response timeout
 * applies), nor while the last response is still leaving. Both clocks are one {@link Deadline}: a
 * request schedules no timer of its own.
 */
final class RequestTimeouts extends ChannelDuplexHandler {
  private final long idleMillis;
  private final long headerMillis;
  private final ProxyMetrics metrics;

  private ChannelHandlerContext ctx;
  private Deadline deadline;
  private StrictHttpServerCodec codec;
  private int outstanding;
  private boolean informational;
  private boolean waiting;
  private boolean headStarted;

  RequestTimeouts(LimitsSettings limits, ProxyMetrics metrics) {
    this.idleMillis = limits.idleTimeout().toMillis();
    this.headerMillis = limits.requestHeaderTimeout().toMillis();
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.deadline = new Deadline(ctx.executor(), this::expired);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent
        && ((SslHandshakeCompletionEvent) event).isSuccess()) {
      waitForRequest();
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      outstanding++;
      waiting = false;
      headStarted = false;
      deadline.clear();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    // Only bytes of a head start the header clock: the read that ends the TLS handshake also ends
    // here, and counted as one it gave every idle new connection a 408 after
    // request-header-timeout, not idle-timeout (HeldConnectionsIT).
    if (waiting && !headStarted && headPending()) {
      headStarted = true;
      deadline.set(headerMillis);
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
        waitForRequest();
      }
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    deadline.stop();
    super.channelInactive(ctx);
  }

  private void waitForRequest() {
    waiting = true;
    headStarted = false;
    deadline.set(idleMillis);
  }

  private boolean headPending() {
    if (codec == null) {
      codec = ctx.pipeline().get(StrictHttpServerCodec.class);
    }
    return codec == null || codec.headPending();
  }

  private void expired() {
    if (!waiting || !ctx.channel().isActive()) {
      return;
    }
    if (headStarted) {
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
      return;
    }
    ChannelOutboundBuffer unsent = ctx.channel().unsafe().outboundBuffer();
    if (unsent != null && unsent.totalPendingWriteBytes() > 0) {
      // The last response is still leaving (a slow reader): the idle clock starts once it is out.
      deadline.set(idleMillis);
      return;
    }
    ctx.close();
  }
}
