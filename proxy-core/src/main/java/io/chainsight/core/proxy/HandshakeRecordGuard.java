package io.chainsight.core.proxy;

import io.chainsight.core.diagnose.ReasonCode;
import io.chainsight.core.diagnose.TlsAlert;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Follows the records of the handshake, both ways. Notes the plaintext alert the server sends (for
 * the failure report). Answers the client records that Netty would drop before BoringSSL sees them,
 * with the alert the protocol asks for instead of a silent close: a zero-length record (Netty takes
 * it for "not TLS"; RFC 8446 section 5.1 and RFC 5246 section 6.2.1 forbid it: unexpected_message),
 * and a ClientHello larger than BoringSSL accepts (Netty's ClientHello reader would give up without
 * a word; BoringSSL's own answer is illegal_parameter). Each is reported, with what was received
 * and the limit. Everything else passes untouched for BoringSSL to judge; the handler leaves the
 * pipeline once the handshake succeeds.
 */
final class HandshakeRecordGuard extends ChannelDuplexHandler {
  private static final int HANDSHAKE_RECORD = 0x16;
  private static final int HEADER = 5;
  private static final int CLIENT_HELLO = 1;
  private static final int FATAL = 2;

  private final HandshakeReporter reporter;
  private final int maxClientHello;

  private final byte[] header = new byte[HEADER];
  private int headerFill;
  private int bodyLeft; // bytes of the current record's body still to come
  private boolean inHandshakeRecord;
  private final byte[] message = new byte[4]; // the first handshake message's type and length
  private int messageFill;
  private boolean serverSpoke;
  private boolean refused;
  private boolean recordSeen;
  private boolean watching = true; // false for an SSLv2-format ClientHello: BoringSSL judges it

  /**
   * @param maxClientHello the largest ClientHello body BoringSSL accepts in this client-auth mode
   */
  HandshakeRecordGuard(HandshakeReporter reporter, int maxClientHello) {
    this.reporter = reporter;
    this.maxClientHello = maxClientHello;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf && watching && !scan(ctx, (ByteBuf) msg)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
      if (!serverSpoke) {
        serverSpoke = true;
        ctx.channel().attr(HandshakeReporter.SERVER_WROTE).set(Boolean.TRUE);
      }
      noteServerAlert(ctx, (ByteBuf) msg);
    }
    super.write(ctx, msg, promise);
  }

  /** Follows the record stream; false when the bytes were refused (and answered). */
  private boolean scan(ChannelHandlerContext ctx, ByteBuf in) {
    for (int i = in.readerIndex(); i < in.writerIndex(); ) {
      if (bodyLeft > 0) {
        int take = Math.min(bodyLeft, in.writerIndex() - i);
        if (inHandshakeRecord) {
          for (int j = 0; j < take && messageFill < message.length; j++) {
            message[messageFill++] = in.getByte(i + j);
          }
          if (messageFill == message.length && !checkClientHello(ctx)) {
            return false;
          }
        }
        bodyLeft -= take;
        i += take;
        continue;
      }
      if (headerFill == 0 && !recordSeen && (in.getByte(i) & 0x80) != 0) {
        watching = false; // an SSLv2-format record header: not this handler's to follow
        return true;
      }
      header[headerFill++] = in.getByte(i++);
      if (headerFill < HEADER) {
        continue;
      }
      headerFill = 0;
      recordSeen = true;
      int type = header[0] & 0xff;
      bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
      inHandshakeRecord = type == HANDSHAKE_RECORD;
      if (bodyLeft == 0 && (header[1] & 0xff) == 3) {
        refuse(
            ctx,
            ReasonCode.MALFORMED_HANDSHAKE,
            TlsAlert.UNEXPECTED_MESSAGE,
            String.format(
                "the client sent a zero-length %s record (type %d) during the handshake, which TLS "
                    + "forbids (RFC 8446 section 5.1, RFC 5246 section 6.2.1)",
                recordName(type), type),
            "a TLS stack does not send these: check the client's TLS library (or whatever speaks to this port "
                + "in its place); a conformance test suite sends them on purpose");
        return false;
      }
    }
    return true;
  }

  /**
   * Notes the description of a plaintext fatal alert the server sends (BoringSSL writes whole
   * records), so the report can say which alert went out; a close_notify is not a refusal.
   */
  private static void noteServerAlert(ChannelHandlerContext ctx, ByteBuf out) {
    int i = out.readerIndex();
    while (i + HEADER <= out.writerIndex()) {
      int type = out.getUnsignedByte(i);
      int length = out.getUnsignedShort(i + 3);
      if (type == 0x15
          && length == 2
          && i + HEADER + 2 <= out.writerIndex()
          && out.getUnsignedByte(i + HEADER) == FATAL) {
        ctx.channel()
            .attr(HandshakeReporter.SERVER_ALERT)
            .set((int) out.getUnsignedByte(i + HEADER + 1));
      }
      i += HEADER + length;
    }
  }

  /** Refuses the first handshake message if it is a ClientHello over the limit. */
  private boolean checkClientHello(ChannelHandlerContext ctx) {
    int type = message[0] & 0xff;
    int length = ((message[1] & 0xff) << 16) | ((message[2] & 0xff) << 8) | (message[3] & 0xff);
    inHandshakeRecord = false; // only the first message is checked; BoringSSL sizes the rest
    if (type != CLIENT_HELLO || length <= maxClientHello) {
      return true;
    }
    refuse(
        ctx,
        ReasonCode.HANDSHAKE_MESSAGE_TOO_LARGE,
        TlsAlert.ILLEGAL_PARAMETER,
        String.format(
            "the client's ClientHello is %,d bytes, over the %,d bytes the TLS stack accepts (%s)",
            length, maxClientHello, reporter.messageLimitReason()),
        "a ClientHello this large is not a normal client's: check what the client adds (a long cipher list, "
            + "many key shares, padding); with client certificates asked for, the limit is the largest chain "
            + "a client may send");
    return false;
  }

  private void refuse(
      ChannelHandlerContext ctx,
      ReasonCode reason,
      TlsAlert alert,
      String explanation,
      String fix) {
    refused = true;
    ctx.channel().attr(HandshakeReporter.SERVER_ALERT).set(alert.code());
    reporter.refusedRecord(ctx.channel(), reason, alert, explanation, fix);
    // A plaintext fatal alert; before the server said anything, with the record version BoringSSL
    // uses then.
    ByteBuf record =
        Unpooled.wrappedBuffer(
            new byte[] {0x15, 3, (byte) (serverSpoke ? 3 : 1), 0, 2, 2, (byte) alert.code()});
    ctx.writeAndFlush(record).addListener(ChannelFutureListener.CLOSE);
  }

  private static String recordName(int type) {
    switch (type) {
      case 20:
        return "change_cipher_spec";
      case 21:
        return "alert";
      case 22:
        return "handshake";
      case 23:
        return "application_data";
      default:
        return "unknown";
    }
  }
}
