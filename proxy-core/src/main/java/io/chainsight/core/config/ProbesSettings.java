package io.chainsight.core.config;

/**
 * {@code chainsight.admin.probes}: a second, minimal listener for health checkers that cannot send
 * a token and do not run on the pod's loopback (kubelet's {@code httpGet} probes, a container
 * HEALTHCHECK without a JVM). It answers {@code GET /healthz} and {@code GET /readyz} and nothing
 * else, without a token, so it may listen on 0.0.0.0: it tells whether the proxy is alive and ready
 * and which readiness checks failed, never the configuration, the certificates or the failures.
 */
public record ProbesSettings(boolean enabled, String host, int port) {
  /** The default: off. */
  public static final ProbesSettings OFF = new ProbesSettings(false, "127.0.0.1", 9902);

  public ProbesSettings {
    Checks.notBlank("admin.probes.host", host);
    Checks.port("admin.probes.port", port);
  }
}
