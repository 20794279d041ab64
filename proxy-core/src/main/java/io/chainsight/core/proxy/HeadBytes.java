package io.chainsight.core.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Checks a request head as raw bytes for what RFC 9112 lets a server refuse and a proxy must not
 * pass on.
 */
final class HeadBytes {
  private HeadBytes() {}

  /** The first problem in bytes [from, to) of a complete head, or null when there is none. */
  static String problem(ByteBuf head, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = head.getUnsignedByte(i);
      if (b == '\r') {
        if (i + 1 >= to || head.getByte(i + 1) != '\n') {
          return "bare CR (0x0d not followed by LF) at byte " + (i - from) + " of the request head";
        }
      } else if (b == '\n') {
        if (i + 1 < to
            && (head.getByte(i + 1) == ' ' || head.getByte(i + 1) == '\t')
            && i + 1 > from + 1) {
          return "obsolete line folding (a header line starting with whitespace) at byte "
              + (i + 1 - from)
              + " of the request head";
        }
      } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
        return "control character 0x"
            + Integer.toHexString(b)
            + " at byte "
            + (i - from)
            + " of the request head";
      }
    }
    return null;
  }
}
