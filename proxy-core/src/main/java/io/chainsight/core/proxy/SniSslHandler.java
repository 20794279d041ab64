package io.chainsight.core.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;

/**
 * Reads the server name from the ClientHello (so failure reports can name it), then replaces itself
 * with the SslHandler, named {@link PipelineNames#TLS}, built from the context current at that
 * moment: a reload applies to every handshake that starts after it.
 */
final class SniSslHandler extends SniHandler {
  SniSslHandler(Supplier<SslContext> context, long handshakeTimeoutMillis) {
    super((Mapping<String, SslContext>) hostname -> context.get(), handshakeTimeoutMillis);
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
