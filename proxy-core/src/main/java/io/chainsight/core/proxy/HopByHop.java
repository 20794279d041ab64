package io.chainsight.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Connection-specific headers (RFC 9110 section 7.6.1) are not forwarded: {@code Connection} and
 * every header it names, plus Keep-Alive, Proxy-Connection, TE, Trailer and Upgrade.
 * Transfer-Encoding stays: the codec on the next hop re-frames the body from it.
 */
final class HopByHop {
  private HopByHop() {}

  static void strip(HttpHeaders headers) {
    List<String> named = new ArrayList<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()
            && !name.equalsIgnoreCase("close")
            && !name.equalsIgnoreCase("keep-alive")
            && !name.equalsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING.toString())
            && !name.equalsIgnoreCase(HttpHeaderNames.HOST.toString())
            && !name.equalsIgnoreCase(HttpHeaderNames.CONTENT_LENGTH.toString())) {
          named.add(name);
        }
      }
    }
    named.forEach(headers::remove);
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove("Proxy-Connection");
    headers.remove(HttpHeaderNames.TE);
    headers.remove(HttpHeaderNames.TRAILER);
    headers.remove(HttpHeaderNames.UPGRADE);
  }
}
