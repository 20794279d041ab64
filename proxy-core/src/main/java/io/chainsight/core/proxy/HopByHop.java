package io.chainsight.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Connection-specific headers (RFC 9110 section 7.6.1) are not forwarded: {@code Connection} and
 * every header it names, plus Keep-Alive, Proxy-Connection, TE, Trailer and Upgrade.
 * Transfer-Encoding stays: the codec on the next hop re-frames the body from it.
 *
 * <p>Runs on every request and response: the Connection values are read in place, and a list is
 * made only for a header one of them names.
 */
final class HopByHop {
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  /** Connection tokens that name no header to drop (Host and Content-Length are never dropped). */
  private static final AsciiString[] NOT_NAMES = {
    HttpHeaderValues.CLOSE,
    HttpHeaderValues.KEEP_ALIVE,
    HttpHeaderNames.TRANSFER_ENCODING,
    HttpHeaderNames.HOST,
    HttpHeaderNames.CONTENT_LENGTH
  };

  private HopByHop() {}

  static void strip(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      List<String> named = null;
      Iterator<? extends CharSequence> values =
          headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
      while (values.hasNext()) {
        named = namedIn(values.next(), named);
      }
      if (named != null) {
        for (String name : named) {
          headers.remove(name);
        }
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.UPGRADE);
  }

  /** Adds to {@code named} (made when first needed) the headers one Connection value names. */
  private static List<String> namedIn(CharSequence value, List<String> named) {
    int length = value.length();
    for (int start = 0; start < length; ) {
      int end = start;
      while (end < length && value.charAt(end) != ',') {
        end++;
      }
      int from = start;
      int to = end;
      while (from < to && isSpace(value.charAt(from))) {
        from++;
      }
      while (to > from && isSpace(value.charAt(to - 1))) {
        to--;
      }
      if (to > from && !notAName(value, from, to)) {
        if (named == null) {
          named = new ArrayList<>(2);
        }
        named.add(value.subSequence(from, to).toString());
      }
      start = end + 1;
    }
    return named;
  }

  private static boolean notAName(CharSequence value, int from, int to) {
    for (AsciiString token : NOT_NAMES) {
      if (to - from == token.length()
          && AsciiString.regionMatches(value, true, from, token, 0, token.length())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
