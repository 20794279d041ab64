package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at the first bytes a client sends. A TLS handshake record (0x16), or an SSLv2-format
 * ClientHello (which BoringSSL judges for itself), goes on to the SslHandler, and this handler
 * makes way for the {@link ClientAlertSniffer} and the {@link HandshakeRecordGuard}. A plain HTTP
 * request (an upper-case method name) gets a plain-text 400 that says to use https; anything else
 * is closed. Both are reported, with their reason codes.
 */
final class TlsDetector extends ByteToMessageDecoder {
  private static final int TLS_HANDSHAKE_RECORD = 0x16;

  private static final int SSL2_CLIENT_HELLO = 0x01;

  private final HandshakeReporter reporter;
  private final int maxClientHello;

  TlsDetector(HandshakeReporter reporter, int maxClientHello) {
    this.reporter = reporter;
    this.maxClientHello = maxClientHello;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    int first = in.getUnsignedByte(in.readerIndex());
    boolean ssl2 = (first & 0x80) != 0;
    if (ssl2 && in.readableBytes() < 3) {
      return; // Not enough to tell an SSLv2-format ClientHello from noise yet.
    }
    if (first == TLS_HANDSHAKE_RECORD
        || (ssl2 && in.getUnsignedByte(in.readerIndex() + 2) == SSL2_CLIENT_HELLO)) {
      if (ssl2) {
        ClientHelloOffer.parseSsl2(in)
            .ifPresent(offer -> ctx.channel().attr(HandshakeReporter.OFFER).set(offer));
      }
      ctx.pipeline()
          .addAfter(
              ctx.name(),
              PipelineNames.RECORD_GUARD,
              new HandshakeRecordGuard(reporter, maxClientHello));
      ctx.pipeline().replace(this, PipelineNames.ALERT_SNIFFER, new ClientAlertSniffer());
      return;
    }
    String preview =
        in.toString(
            in.readerIndex(), Math.min(in.readableBytes(), 64), StandardCharsets.ISO_8859_1);
    in.skipBytes(in.readableBytes());
    if (first >= 'A' && first <= 'Z') {
      reporter.plaintextHttp(ctx.channel(), preview);
      String body =
          "This port speaks HTTPS only: use https:// (chainsight got a plain HTTP request on its TLS "
              + "port).\n";
      String response =
          "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: "
              + body.length()
              + "\r\nConnection: close\r\n\r\n"
              + body;
      ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.UTF_8))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      reporter.notTls(ctx.channel(), first);
      ctx.close();
    }
  }
}
