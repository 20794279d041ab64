package io.chainsight.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites request headers on their way to the backend: drops hop-by-hop headers (RFC 9110 section
 * 7.6.1), drops every forwarding and identity header the client sent (a client must never claim an
 * identity), then adds our own {@code X-Forwarded-*} and {@code X-Forwarded-Client-Cert}.
 *
 * <p>Runs on every request: names are compared in place, ignoring case, and a list is made only for
 * a header to drop.
 */
public final class ForwardedHeaders {
  public static final String X_FORWARDED_CLIENT_CERT = "x-forwarded-client-cert";

  private static final AsciiString FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
  private static final AsciiString FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
  private static final AsciiString FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
  private static final AsciiString FORWARDED_CLIENT_CERT =
      AsciiString.cached("X-Forwarded-Client-Cert");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-");

  /** Headers a client might use to claim an address or an identity, besides x-forwarded-*. */
  private static final AsciiString[] SPOOFABLE = {
    AsciiString.cached("forwarded"),
    AsciiString.cached("x-real-ip"),
    AsciiString.cached("x-client-cert"),
    AsciiString.cached("ssl-client-cert")
  };

  private ForwardedHeaders() {}

  /**
   * @param clientAddress the client's IP address as text (X-Forwarded-For)
   */
  public static void rewriteRequest(
      HttpHeaders headers, String clientAddress, Optional<ClientIdentity> identity) {
    String host = headers.get(HttpHeaderNames.HOST);
    HopByHop.strip(headers);
    headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    List<CharSequence> spoofed = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> all = headers.iteratorCharSequence();
    while (all.hasNext()) {
      CharSequence name = all.next().getKey();
      if (spoofable(name)) {
        if (spoofed == null) {
          spoofed = new ArrayList<>(2);
        }
        spoofed.add(name);
      }
    }
    if (spoofed != null) {
      for (CharSequence name : spoofed) {
        headers.remove(name);
      }
    }
    headers.set(FORWARDED_FOR, clientAddress);
    headers.set(FORWARDED_PROTO, HTTPS);
    if (host != null) {
      headers.set(FORWARDED_HOST, host);
    }
    if (identity.isPresent()) {
      headers.set(FORWARDED_CLIENT_CERT, identity.get().forwardedClientCert());
    }
  }

  public static void rewriteResponse(HttpHeaders headers) {
    HopByHop.strip(headers);
    headers.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
  }

  private static boolean spoofable(CharSequence name) {
    if (name.length() >= X_FORWARDED_PREFIX.length()
        && AsciiString.regionMatches(
            name, true, 0, X_FORWARDED_PREFIX, 0, X_FORWARDED_PREFIX.length())) {
      return true;
    }
    for (AsciiString header : SPOOFABLE) {
      if (AsciiString.contentEqualsIgnoreCase(name, header)) {
        return true;
      }
    }
    return false;
  }
}
