package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Netty's HTTP/1.1 server codec with the request head checked as raw bytes before it is parsed:
 * obsolete line folding, a bare CR, and control characters are refused (Netty's decoder would
 * unfold or pass them), so no head that two parsers could read differently is ever forwarded. A
 * refused head becomes a request whose decoder result is the failure, and everything after it on
 * the connection is dropped. The encoder knows which responses answer HEAD (like HttpServerCodec),
 * so their headers are sent without a body.
 */
final class StrictHttpServerCodec
    extends CombinedChannelDuplexHandler<
        StrictHttpServerCodec.Decoder, StrictHttpServerCodec.Encoder> {
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

  StrictHttpServerCodec(HttpDecoderConfig config, int maxHead) {
    init(new Decoder(config, maxHead, config.getMaxInitialLineLength()), new Encoder());
  }

  /**
   * Whether part of a request head has arrived and waits for the rest (RequestTimeouts' header
   * clock).
   */
  boolean headPending() {
    return inboundHandler().headPending();
  }

  final class Decoder extends HttpRequestDecoder {
    private final int maxHead;
    private final int maxRequestLine;
    private boolean inHead = true;
    private boolean refused;

    Decoder(HttpDecoderConfig config, int maxHead, int maxRequestLine) {
      super(config);
      this.maxHead = maxHead;
      this.maxRequestLine = maxRequestLine;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      if (refused) {
        buffer.skipBytes(buffer.readableBytes());
        return;
      }
      if (inHead) {
        int end = headEnd(buffer);
        if (end < 0 && buffer.readableBytes() <= maxHead && !requestLineTooLong(buffer)) {
          return; // The head is not complete yet: check it whole, once it is.
        }
        // Past here with the head incomplete, the request line is over the limit: Netty's decoder
        // refuses it now (414), instead of the header clock answering 408 later.
        String problem = end < 0 ? null : HeadBytes.problem(buffer, buffer.readerIndex(), end);
        if (problem != null) {
          refused = true;
          buffer.skipBytes(buffer.readableBytes());
          HttpRequest marker = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
          marker.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
          methods.add(HttpMethod.GET);
          out.add(marker);
          return;
        }
      }
      int before = out.size();
      super.decode(ctx, buffer, out);
      for (int i = before; i < out.size(); i++) {
        Object decoded = out.get(i);
        if (decoded instanceof HttpRequest) {
          methods.add(((HttpRequest) decoded).method());
          inHead = false;
        }
        if (decoded instanceof LastHttpContent) {
          inHead = true;
        }
      }
    }

    boolean headPending() {
      return inHead && !refused && internalBuffer().isReadable();
    }

    /**
     * Whether the request line already read is longer than limits.max-request-line (with its end
     * seen or not).
     */
    private boolean requestLineTooLong(ByteBuf buffer) {
      int start = buffer.readerIndex();
      int scan = Math.min(buffer.readableBytes(), maxRequestLine + 2);
      int lf = buffer.indexOf(start, start + scan, (byte) '\n');
      if (lf < 0) {
        // maxRequestLine + 2 bytes without a line end: at least maxRequestLine + 1 before any CR.
        return scan == maxRequestLine + 2;
      }
      int length = lf - start;
      if (length > 0 && buffer.getByte(lf - 1) == '\r') {
        length--;
      }
      return length > maxRequestLine;
    }

    /**
     * Index just past the blank line ending the head (CRLF CRLF, or LF LF for the decoder to
     * refuse), or -1.
     */
    private int headEnd(ByteBuf buffer) {
      int limit = buffer.readerIndex() + Math.min(buffer.readableBytes(), maxHead + 4);
      for (int i = buffer.readerIndex() + 1; i < limit; i++) {
        if (buffer.getByte(i) == '\n') {
          byte previous = buffer.getByte(i - 1);
          if (previous == '\n'
              || (previous == '\r'
                  && i >= 2 + buffer.readerIndex()
                  && buffer.getByte(i - 2) == '\n')) {
            return i + 1;
          }
        }
      }
      return -1;
    }
  }

  final class Encoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg);
      }
      HttpMethod method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
