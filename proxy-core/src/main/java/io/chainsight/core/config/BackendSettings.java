package io.chainsight.core.config;

import java.net.URI;
import java.time.Duration;

/**
 * {@code chainsight.backend}: the plain-HTTP service requests are forwarded to (the Keylime
 * registrar's 8890).
 *
 * @param connectTimeout how long to wait for the TCP connection to the backend
 * @param responseTimeout how long to wait for the backend's response headers once the request is
 *     sent
 * @param maxIdleConnections idle keep-alive connections kept per event loop
 */
public record BackendSettings(
    URI url, Duration connectTimeout, Duration responseTimeout, int maxIdleConnections) {
  public BackendSettings {
    if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "backend.url: " + url + " (expected: http://HOST:PORT, e.g. http://127.0.0.1:8890)");
    }
    if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
      throw new IllegalArgumentException(
          "backend.url: "
              + url
              + " has a path (expected: http://HOST:PORT only; request paths are forwarded unchanged)");
    }
    Checks.positive("backend.connect-timeout", connectTimeout);
    Checks.positive("backend.response-timeout", responseTimeout);
    if (maxIdleConnections < 0) {
      throw new IllegalArgumentException(
          "backend.max-idle-connections: " + maxIdleConnections + " (expected: >= 0)");
    }
  }

  public String host() {
    return url.getHost();
  }

  public int port() {
    return url.getPort() == -1 ? 80 : url.getPort();
  }

  /** How the backend is named in logs and error bodies. */
  public String address() {
    return host() + ":" + port();
  }
}
