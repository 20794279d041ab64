package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

/**
 * Watches the TLS records a client sends during the handshake for a plaintext alert, and remembers
 * its description. Why: in TLS 1.3 a client that rejects our certificate does so before it has
 * switched to encrypted records, so its alert (unknown_ca, bad_certificate...) arrives in the clear
 * while the server already expects encrypted ones; BoringSSL then reports only BAD_PACKET_LENGTH.
 * The handshake report reads the alert from here. The bytes pass on untouched; the handler leaves
 * the pipeline once the handshake succeeds.
 */
final class ClientAlertSniffer extends ChannelInboundHandlerAdapter {
  /** The description byte of the last plaintext alert the client sent during the handshake. */
  static final AttributeKey<Integer> CLIENT_ALERT = AttributeKey.valueOf("chainsight.client-alert");

  private static final int ALERT_RECORD = 0x15;
  private static final int HEADER = 5;

  /**
   * Bytes of the current record still to come in later reads; -1 once the record stream is lost.
   */
  private int remaining;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf && remaining >= 0) {
      scan(ctx, (ByteBuf) msg);
    }
    ctx.fireChannelRead(msg);
  }

  private void scan(ChannelHandlerContext ctx, ByteBuf in) {
    int index = in.readerIndex();
    int end = in.writerIndex();
    if (remaining > 0) {
      int skip = Math.min(remaining, end - index);
      remaining -= skip;
      index += skip;
    }
    while (index < end) {
      if (end - index < HEADER) {
        remaining = -1; // A header split across reads: rare; stop watching rather than misread.
        return;
      }
      int type = in.getUnsignedByte(index);
      int length = in.getUnsignedShort(index + 3);
      if (type == ALERT_RECORD && length == 2 && end - index >= HEADER + 2) {
        ctx.channel().attr(CLIENT_ALERT).set((int) in.getUnsignedByte(index + HEADER + 1));
      }
      int available = Math.min(length, end - index - HEADER);
      remaining = length - available;
      index += HEADER + available;
    }
  }
}
