package io.chainsight.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend end of an exchange: hands each response part to the {@link FrontendHandler} it is
 * bound to. An idle (pooled) connection that receives anything is broken: the bytes are dropped and
 * the connection closed. All calls happen on the one event loop both channels share, so the binding
 * needs no synchronisation.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final Runnable backToPool;
  private FrontendHandler frontend;

  /**
   * @param backToPool what returns this connection to its pool, made once for the connection's life
   *     rather than per exchange
   */
  BackendHandler(Runnable backToPool) {
    this.backToPool = backToPool;
  }

  Runnable backToPool() {
    return backToPool;
  }

  void bind(FrontendHandler frontend) {
    this.frontend = frontend;
  }

  void unbind() {
    this.frontend = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (frontend == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    frontend.onBackendMessage(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (frontend != null) {
      frontend.onBackendReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (frontend != null && ctx.channel().isWritable()) {
      frontend.onBackendWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (frontend != null) {
      FrontendHandler bound = frontend;
      frontend = null;
      bound.onBackendClosed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (frontend != null) {
      FrontendHandler bound = frontend;
      frontend = null;
      bound.onBackendClosed(cause);
    }
    ctx.close();
  }
}
