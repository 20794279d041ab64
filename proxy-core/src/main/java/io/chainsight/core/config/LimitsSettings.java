package io.chainsight.core.config;

import java.time.Duration;

/**
 * {@code chainsight.limits}: what one client may send and hold. Past a limit the request gets its
 * status (414, 431, 413, 408) in the registrar envelope and the connection is closed; past a
 * connection limit a new connection is closed at once.
 */
public record LimitsSettings(
    int maxRequestLine,
    int maxHeaderSize,
    int maxHeaders,
    int maxBodySize,
    Duration requestHeaderTimeout,
    Duration idleTimeout,
    int maxConnections,
    int maxConnectionsPerIp) {

  public static final LimitsSettings DEFAULTS =
      new LimitsSettings(
          8 * 1024,
          16 * 1024,
          100,
          16 * 1024 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          10_000,
          512);

  public LimitsSettings {
    Checks.atLeast("limits.max-request-line", maxRequestLine, 256);
    Checks.atLeast("limits.max-header-size", maxHeaderSize, 1024);
    Checks.atLeast("limits.max-headers", maxHeaders, 8);
    if (maxBodySize < 0) {
      throw new IllegalArgumentException(
          "limits.max-body-size: " + maxBodySize + " (expected: >= 0 bytes, e.g. 16M)");
    }
    Checks.positive("limits.request-header-timeout", requestHeaderTimeout);
    Checks.positive("limits.idle-timeout", idleTimeout);
    Checks.atLeast("limits.max-connections", maxConnections, 1);
    Checks.atLeast("limits.max-connections-per-ip", maxConnectionsPerIp, 1);
  }
}
