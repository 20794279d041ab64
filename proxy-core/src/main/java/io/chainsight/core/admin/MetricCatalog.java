package io.chainsight.core.admin;

import io.chainsight.core.metrics.ProxyMetrics;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
   * @param labels the labels encoded in the Dropwizard name, in order; empty for an unlabelled
   *     family
   */
  record Family(String name, Type type, List<String> labels, String help) {
    Family {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }

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
              List.of("hop", "result"),
              "TLS handshakes, by hop (listener: a client's with the proxy; backend: the proxy's with an "
                  + "https backend) and result (success, failure)."),
          new Family(
              ProxyMetrics.HANDSHAKE_FAILURES,
              Type.COUNTER,
              List.of("hop", "reason"),
              "Failed TLS handshakes, by hop (listener, backend) and diagnostics reason code."),
          new Family(
              ProxyMetrics.REQUESTS,
              Type.COUNTER,
              List.of("code"),
              "HTTP requests answered to clients, by status code (the backend's, or the proxy's own 4xx/5xx)."),
          new Family(
              ProxyMetrics.BACKEND_ERRORS,
              Type.COUNTER,
              List.of("kind"),
              "Failures talking to the backend, by kind (connect, handshake, timeout, closed, reset, write, malformed)."),
          new Family(
              ProxyMetrics.REJECTED,
              Type.COUNTER,
              List.of("cause"),
              "Requests the proxy answered itself without forwarding, by cause (method, target, path, host, headers, "
                  + "body, request-line, malformed, header-timeout, no-route)."),
          new Family(
              ProxyMetrics.CONNECTIONS_REFUSED,
              Type.COUNTER,
              List.of("limit"),
              "Client connections closed at once because a connection limit was reached (total, per-ip)."),
          new Family(
              ProxyMetrics.RELOADS,
              Type.COUNTER,
              List.of("result"),
              "Reloads of the configuration and the TLS material (file change, SIGHUP, POST /reload), by "
                  + "result (changed, unchanged, failed: the previous configuration kept)."),
          // Dropwizard counters that go up and down: exported as gauges.
          new Family(
              ProxyMetrics.CLIENT_CONNECTIONS,
              Type.GAUGE,
              List.of(),
              "Client connections open now on the TLS listener."),
          new Family(
              ProxyMetrics.BACKEND_CONNECTIONS,
              Type.GAUGE,
              List.of(),
              "Connections to the backend open now, in use or idle in the pool."),
          new Family(
              ProxyMetrics.EVENT_LOOP_PENDING_TASKS,
              Type.GAUGE,
              List.of(),
              "Tasks waiting in the event loops' queues now (summed over the loops)."),
          new Family(
              ProxyMetrics.REQUEST_DURATION,
              Type.SUMMARY,
              List.of(),
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
    List<MapperConfig> configs = new ArrayList<>();
    for (Family family : FAMILIES) {
      if (family.labels().isEmpty()) {
        continue;
      }
      StringBuilder match = new StringBuilder(family.name());
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < family.labels().size(); i++) {
        match.append('.').append(family.labels().get(i)).append(".*");
        labels.put(family.labels().get(i), "${" + i + "}");
      }
      configs.add(new MapperConfig(match.toString(), family.name(), labels));
    }
    return configs;
  }
}
