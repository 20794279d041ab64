package io.chainsight.core.admin;

import io.chainsight.core.metrics.ProxyMetrics;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The chainsight families /metrics exports from the Dropwizard registry, with their type and help:
 * the stable, documented surface (docs/admin.md lists the same). A Dropwizard name {@code
 * <family>.<label>.<value>} becomes one sample of the family with that label, through the bridge's
 * label mapper.
 */
final class MetricCatalog {
  enum Type {
    COUNTER,
    GAUGE,
    SUMMARY
  }

  /**
   * @param name the Prometheus name as ProxyMetrics spells it (counters end in {@code _total})
   * @param label the one label encoded in the Dropwizard name, or null for an unlabelled family
   */
  record Family(String name, Type type, String label, String help) {
    /**
     * The name in the Prometheus model, without the {@code _total} the text format adds back to
     * counters.
     */
    String modelName() {
      return PrometheusNaming.sanitizeMetricName(name);
    }
  }

  static final List<Family> FAMILIES =
      List.of(
          new Family(
              ProxyMetrics.HANDSHAKES,
              Type.COUNTER,
              "result",
              "TLS handshakes on the listener, by result (success, failure)."),
          new Family(
              ProxyMetrics.HANDSHAKE_FAILURES,
              Type.COUNTER,
              "reason",
              "Failed TLS handshakes, by diagnostics reason code."),
          new Family(
              ProxyMetrics.REQUESTS,
              Type.COUNTER,
              "code",
              "HTTP requests answered to clients, by status code (the backend's, or the proxy's own 4xx/5xx)."),
          new Family(
              ProxyMetrics.BACKEND_ERRORS,
              Type.COUNTER,
              "kind",
              "Failures talking to the backend, by kind (connect, timeout, closed, reset, write, malformed)."),
          new Family(
              ProxyMetrics.REJECTED,
              Type.COUNTER,
              "cause",
              "Requests the proxy answered itself without forwarding, by cause (method, target, path, host, headers, "
                  + "body, request-line, malformed, header-timeout, no-route)."),
          new Family(
              ProxyMetrics.CONNECTIONS_REFUSED,
              Type.COUNTER,
              "limit",
              "Client connections closed at once because a connection limit was reached (total, per-ip)."),
          new Family(
              ProxyMetrics.RELOADS,
              Type.COUNTER,
              "result",
              "Reloads of the TLS material (file change, SIGHUP, POST /reload), by result (changed, unchanged, "
                  + "failed: the old material kept)."),
          // Dropwizard counters that go up and down: exported as gauges.
          new Family(
              ProxyMetrics.CLIENT_CONNECTIONS,
              Type.GAUGE,
              null,
              "Client connections open now on the TLS listener."),
          new Family(
              ProxyMetrics.BACKEND_CONNECTIONS,
              Type.GAUGE,
              null,
              "Connections to the backend open now, in use or idle in the pool."),
          new Family(
              ProxyMetrics.EVENT_LOOP_PENDING_TASKS,
              Type.GAUGE,
              null,
              "Tasks waiting in the event loops' queues now (summed over the loops)."),
          new Family(
              ProxyMetrics.REQUEST_DURATION,
              Type.SUMMARY,
              null,
              "Time from a request's arrival to the end of its response, in seconds (quantiles over about the last "
                  + "five minutes)."));

  private static final Map<String, Family> BY_MODEL_NAME =
      FAMILIES.stream().collect(Collectors.toUnmodifiableMap(Family::modelName, f -> f));

  private MetricCatalog() {}

  static Optional<Family> byModelName(String name) {
    return Optional.ofNullable(BY_MODEL_NAME.get(name));
  }

  /**
   * {@code chainsight_requests_total.code.*} to {@code chainsight_requests_total{code="..."}}, and
   * so on.
   */
  static List<MapperConfig> mapperConfigs() {
    return FAMILIES.stream()
        .filter(f -> f.label() != null)
        .map(
            f ->
                new MapperConfig(
                    f.name() + "." + f.label() + ".*", f.name(), Map.of(f.label(), "${0}")))
        .collect(Collectors.toList());
  }
}
