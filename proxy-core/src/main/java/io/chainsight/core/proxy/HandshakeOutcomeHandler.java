package io.chainsight.core.proxy;

import io.chainsight.core.tls.SessionTickets;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Hands the outcome of the TLS handshake to the {@link HandshakeReporter}, sends the session
 * tickets a successful handshake left queued ({@link SessionTickets#sendQueued}), then leaves the
 * pipeline.
 */
final class HandshakeOutcomeHandler extends ChannelInboundHandlerAdapter {
  private final HandshakeReporter reporter;

  HandshakeOutcomeHandler(HandshakeReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof SniCompletionEvent) {
      SniCompletionEvent sni = (SniCompletionEvent) event;
      if (sni.isSuccess()) {
        ctx.channel().attr(HandshakeReporter.SERVER_NAME).set(sni.hostname());
      } else {
        // The ClientHello never completed (timeout, malformed): there will be no SslHandler event.
        if (!reporter.reported(ctx.channel())) {
          reporter.failed(ctx.channel(), null, sni.cause());
        }
        ctx.pipeline().remove(this);
      }
    } else if (event instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent completion = (SslHandshakeCompletionEvent) event;
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      if (completion.isSuccess()) {
        SessionTickets.sendQueued(ctx, tls.engine());
        if (ctx.pipeline().get(PipelineNames.ALERT_SNIFFER) != null) {
          ctx.pipeline().remove(PipelineNames.ALERT_SNIFFER);
        }
        if (ctx.pipeline().get(PipelineNames.RECORD_GUARD) != null) {
          ctx.pipeline().remove(PipelineNames.RECORD_GUARD);
        }
        reporter.succeeded(ctx.channel(), tls.engine());
      } else if (!reporter.reported(ctx.channel())) {
        reporter.failed(ctx.channel(), tls == null ? null : tls.engine(), completion.cause());
      }
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(event);
  }
}
