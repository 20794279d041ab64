package io.chainsight.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Makes a TLS error after the handshake close the connection at once (RFC 8446 section 6.2), on
 * both hops. Why it is needed: when BoringSSL refuses a record once the handshake is done (a bad
 * MAC, a record over 2^14 bytes), Netty's engine sends the fatal alert but keeps the error until
 * its next wrap, and nothing wraps on a connection waiting for a request: the peer got the alert
 * and the connection stayed open until the idle timeout. A read that brought no plaintext is when
 * that can have happened; an empty flush then makes the engine wrap, so the error surfaces (to
 * {@code exceptionCaught}, which closes) right after the alert went out. Reads that bring
 * plaintext, the usual case, cost nothing.
 */
final class FatalAlertFlush extends ChannelInboundHandlerAdapter {
  private boolean established;
  private boolean plaintext;

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent
        && ((SslHandshakeCompletionEvent) event).isSuccess()) {
      established = true;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    plaintext = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    boolean nothingDecrypted = !plaintext;
    plaintext = false;
    if (established && nothingDecrypted && ctx.channel().isActive()) {
      ctx.flush();
    }
    super.channelReadComplete(ctx);
  }
}
