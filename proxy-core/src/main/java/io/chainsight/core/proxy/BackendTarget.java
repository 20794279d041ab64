package io.chainsight.core.proxy;

import io.chainsight.core.config.BackendSettings;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where one route's requests go: the backend URL, its timeouts, and for an https backend the client
 * TLS context (our client certificate, the backend's trust) and the name its certificate must
 * carry.
 */
record BackendTarget(
    URI url,
    Duration connectTimeout,
    Duration responseTimeout,
    int maxIdleConnections,
    Optional<SslContext> tls,
    String serverName) {

  static BackendTarget plain(BackendSettings settings) {
    return new BackendTarget(
        settings.url(),
        settings.connectTimeout(),
        settings.responseTimeout(),
        settings.maxIdleConnections(),
        Optional.empty(),
        settings.host());
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
