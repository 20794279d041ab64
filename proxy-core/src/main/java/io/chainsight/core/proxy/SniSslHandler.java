package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Reads the server name from the ClientHello (so failure reports can name it), and what the client
 * offered ({@link ClientHelloOffer}, so a refused handshake can say what was offered), then
 * replaces itself with the SslHandler, named {@link PipelineNames#TLS}, built from the context
 * current at that moment: a reload applies to every handshake that starts after it.
 */
final class SniSslHandler extends SniHandler {
  /**
   * @param maxClientHello the largest ClientHello BoringSSL accepts in this client-auth mode, so
   *     that Netty aggregates any it would accept (a larger one is refused before, by {@link
   *     HandshakeRecordGuard})
   */
  SniSslHandler(Supplier<SslContext> context, int maxClientHello, long handshakeTimeoutMillis) {
    super(
        (Mapping<String, SslContext>) hostname -> context.get(),
        maxClientHello,
        handshakeTimeoutMillis);
  }

  @Override
  protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello)
      throws Exception {
    if (clientHello != null) {
      ClientHelloOffer.parse(clientHello)
          .ifPresent(offer -> ctx.channel().attr(HandshakeReporter.OFFER).set(offer));
    }
    return super.lookup(ctx, clientHello);
  }

  @Override
  protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) {
    SslHandler tls = newSslHandler(sslContext, ctx.alloc());
    try {
      ctx.pipeline().replace(this, PipelineNames.TLS, tls);
      tls = null;
    } finally {
      if (tls != null) {
        // Not in the pipeline, so nobody else will free the engine.
        ReferenceCountUtil.safeRelease(tls.engine());
      }
    }
  }
}
