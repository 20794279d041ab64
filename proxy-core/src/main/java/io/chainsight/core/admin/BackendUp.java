package io.chainsight.core.admin;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code chainsight_backend_up{backend}}: 1 when a backend answered its last background check (a
 * TCP connect for http, a TLS handshake with the route's client certificate for https), 0 when it
 * did not or was not checked yet; one series per backend the routes use, read at scrape time.
 */
final class BackendUp implements Collector {
  static final String NAME = "chainsight_backend_up";

  private final BackendChecks backends;

  BackendUp(BackendChecks backends) {
    this.backends = backends;
  }

  @Override
  public MetricSnapshot collect() {
    GaugeSnapshot.Builder gauge =
        GaugeSnapshot.builder()
            .name(NAME)
            .help(
                "1 when the backend answered its last check (TCP connect for http, TLS handshake with the "
                    + "route's client certificate for https), else 0; only the default backend decides readiness.");
    // Routes with one URL but different TLS settings are checked apart: up only if all are.
    Map<String, Boolean> up = new LinkedHashMap<>();
    for (BackendChecks.BackendState state : backends.states()) {
      up.merge(state.backend(), state.up(), Boolean::logicalAnd);
    }
    up.forEach(
        (backend, isUp) ->
            gauge.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .value(isUp ? 1 : 0)
                    .labels(Labels.of("backend", backend))
                    .build()));
    return gauge.build();
  }

  @Override
  public String getPrometheusName() {
    return NAME;
  }
}
