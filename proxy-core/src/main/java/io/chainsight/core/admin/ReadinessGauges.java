package io.chainsight.core.admin;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What /readyz says, for Prometheus (which cannot alert on a status code): {@code chainsight_ready}
 * (1 when /readyz answers 200), {@code chainsight_ready_check{check}} (1 per passing check, 0 per
 * failing one) and {@code chainsight_reload_refused} (1 while the last reload was refused and the
 * previous material keeps serving). Computed at scrape time from the same checks.
 */
final class ReadinessGauges implements MultiCollector {
  static final String READY = "chainsight_ready";
  static final String READY_CHECK = "chainsight_ready_check";
  static final String RELOAD_REFUSED = "chainsight_reload_refused";

  private final HealthEndpoints health;
  private final Supplier<Optional<String>> refusedReload;

  ReadinessGauges(HealthEndpoints health, Supplier<Optional<String>> refusedReload) {
    this.health = health;
    this.refusedReload = refusedReload;
  }

  @Override
  public MetricSnapshots collect() {
    List<HealthEndpoints.Check> checks = health.checks();
    GaugeSnapshot.Builder perCheck =
        GaugeSnapshot.builder()
            .name(READY_CHECK)
            .help(
                "1 when the readiness check passes, 0 when it fails, per check of /readyz (serving, "
                    + "tls-listener, certificate, backend, reload).");
    for (HealthEndpoints.Check check : checks) {
      perCheck.dataPoint(point(check.ok(), Labels.of("check", check.name())));
    }
    return MetricSnapshots.of(
        GaugeSnapshot.builder()
            .name(READY)
            .help("1 when /readyz answers 200 (every readiness check passes), 0 otherwise.")
            .dataPoint(point(checks.stream().allMatch(HealthEndpoints.Check::ok), Labels.EMPTY))
            .build(),
        perCheck.build(),
        GaugeSnapshot.builder()
            .name(RELOAD_REFUSED)
            .help(
                "1 while the last reload was refused (the previous certificates keep serving), 0 "
                    + "otherwise.")
            .dataPoint(point(refusedReload.get().isPresent(), Labels.EMPTY))
            .build());
  }

  private static GaugeDataPointSnapshot point(boolean value, Labels labels) {
    return GaugeDataPointSnapshot.builder().value(value ? 1 : 0).labels(labels).build();
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(READY, READY_CHECK, RELOAD_REFUSED);
  }
}
