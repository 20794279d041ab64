package io.chainsight.core.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rewrites request headers on their way to the backend: drops hop-by-hop headers (RFC 9110 section
 * 7.6.1), drops every forwarding and identity header the client sent (a client must never claim an
 * identity), then adds our own {@code X-Forwarded-*} and {@code X-Forwarded-Client-Cert}.
 */
public final class ForwardedHeaders {
  public static final String X_FORWARDED_CLIENT_CERT = "x-forwarded-client-cert";

  private ForwardedHeaders() {}

  public static void rewriteRequest(
      HttpHeaders headers, InetSocketAddress client, Optional<ClientIdentity> identity) {
    String host = headers.get(HttpHeaderNames.HOST);
    HopByHop.strip(headers);
    headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    List<String> spoofable = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-forwarded-")
          || name.equals("forwarded")
          || name.equals("x-real-ip")
          || name.equals("x-client-cert")
          || name.equals("ssl-client-cert")) {
        spoofable.add(header.getKey());
      }
    }
    spoofable.forEach(headers::remove);
    headers.set("X-Forwarded-For", client.getAddress().getHostAddress());
    headers.set("X-Forwarded-Proto", "https");
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    }
    identity.ifPresent(id -> headers.set("X-Forwarded-Client-Cert", id.forwardedClientCert()));
  }

  public static void rewriteResponse(HttpHeaders headers) {
    HopByHop.strip(headers);
    headers.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
  }
}
