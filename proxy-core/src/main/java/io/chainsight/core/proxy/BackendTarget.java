package io.chainsight.core.proxy;

import io.chainsight.core.config.BackendSettings;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where one route's requests go: the backend URL, its timeouts, and for an https backend the client
 * TLS context (our client certificate, the backend's trust), the name its certificate must carry,
 * and what the backend hop's diagnosis needs: the client chain we present there (empty when none)
 * and the setting it comes from.
 *
 * @param tlsSetting the route's TLS setting, e.g. {@code routes[2].tls}; empty for http
 */
record BackendTarget(
    URI url,
    Duration connectTimeout,
    Duration responseTimeout,
    int maxIdleConnections,
    Optional<SslContext> tls,
    String serverName,
    List<X509Certificate> clientChain,
    Optional<String> tlsSetting) {

  BackendTarget {
    clientChain = List.copyOf(clientChain);
  }

  static BackendTarget plain(BackendSettings settings) {
    return new BackendTarget(
        settings.url(),
        settings.connectTimeout(),
        settings.responseTimeout(),
        settings.maxIdleConnections(),
        Optional.empty(),
        settings.host(),
        List.of(),
        Optional.empty());
  }

  String host() {
    return url.getHost();
  }

  int port() {
    return url.getPort() != -1 ? url.getPort() : tls.isPresent() ? 443 : 80;
  }

  /**
   * How the backend is named in logs and error bodies: {@code 127.0.0.1:8890}, {@code
   * https://127.0.0.1:8891}.
   */
  String address() {
    return (tls.isPresent() ? "https://" : "") + host() + ":" + port();
  }
}
