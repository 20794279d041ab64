package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.metrics.ProxyMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ProxyMetrics' dotted Dropwizard names become one Prometheus family each, with the label from the
 * name.
 */
class DropwizardFamiliesTest {
  private static PrometheusText scrape(MetricRegistry registry) {
    PrometheusRegistry prometheus = new PrometheusRegistry();
    prometheus.register(new DropwizardFamilies(registry));
    return PrometheusText.parse(
        PrometheusTextFormatWriter.create().toDebugString(prometheus.scrape()));
  }

  @Test
  void labelledCountersOfOneNameBecomeOneFamily() {
    ProxyMetrics metrics = new ProxyMetrics(new MetricRegistry());
    metrics.handshakeFailed("listener", "EXPIRED");
    metrics.handshakeFailed("listener", "EXPIRED");
    metrics.handshakeFailed("backend", "EXPIRED");
    metrics.handshakeFailed("listener", "ISSUER_NOT_FOUND");
    metrics.handshakeSucceeded();

    PrometheusText text = scrape(metrics.registry());

    PrometheusText.Family failures = text.family("chainsight_handshake_failures_total");
    assertThat(failures.type()).isEqualTo("counter");
    assertThat(failures.help())
        .isEqualTo(
            "Failed TLS handshakes, by hop (listener, backend) and diagnostics reason code.");
    assertThat(failures.samples()).hasSize(3);
    assertThat(
            text.value(
                "chainsight_handshake_failures_total",
                Map.of("hop", "listener", "reason", "EXPIRED")))
        .contains(2.0);
    assertThat(
            text.value(
                "chainsight_handshake_failures_total",
                Map.of("hop", "backend", "reason", "EXPIRED")))
        .contains(1.0);
    assertThat(
            text.value(
                "chainsight_handshake_failures_total",
                Map.of("hop", "listener", "reason", "ISSUER_NOT_FOUND")))
        .contains(1.0);
    assertThat(
            text.value(
                "chainsight_handshakes_total", Map.of("hop", "listener", "result", "success")))
        .contains(1.0);
    assertThat(
            text.value(
                "chainsight_handshakes_total", Map.of("hop", "listener", "result", "failure")))
        .contains(3.0);
    assertThat(
            text.value(
                "chainsight_handshakes_total", Map.of("hop", "backend", "result", "failure")))
        .contains(1.0);
  }

  @Test
  void openConnectionsAreGaugesAndReloadsStartAtZero() {
    ProxyMetrics metrics = new ProxyMetrics(new MetricRegistry());
    metrics.clientConnections().inc();
    metrics.clientConnections().inc();
    metrics.clientConnections().dec();

    PrometheusText text = scrape(metrics.registry());

    assertThat(text.family("chainsight_client_connections_open").type()).isEqualTo("gauge");
    assertThat(text.value("chainsight_client_connections_open", Map.of())).contains(1.0);
    assertThat(text.value("chainsight_backend_connections_open", Map.of())).contains(0.0);
    assertThat(text.family("chainsight_reloads_total").samples())
        .extracting(s -> s.labels().get("result"))
        .containsExactlyInAnyOrder("changed", "unchanged", "failed");
    assertThat(text.value("chainsight_reloads_total", Map.of("result", "failed"))).contains(0.0);
  }

  @Test
  void requestDurationIsASummaryInSeconds() {
    ProxyMetrics metrics = new ProxyMetrics(new MetricRegistry());
    metrics.request(200, TimeUnit.MILLISECONDS.toNanos(250));
    metrics.request(502, TimeUnit.MILLISECONDS.toNanos(250));

    PrometheusText text = scrape(metrics.registry());

    assertThat(text.family("chainsight_request_duration_seconds").type()).isEqualTo("summary");
    assertThat(text.value("chainsight_request_duration_seconds_count", Map.of())).contains(2.0);
    assertThat(text.value("chainsight_request_duration_seconds", Map.of("quantile", "0.5")))
        .contains(0.25);
    assertThat(text.value("chainsight_requests_total", Map.of("code", "502"))).contains(1.0);
  }

  @Test
  void aNameOutsideTheCatalogueIsStillExported() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("chainsight_something_new_total.kind.a").inc();
    registry.counter("chainsight_something_new_total.kind.b").inc();

    PrometheusText text = scrape(registry);

    // Unmapped, the dots become underscores and each name is its own family (add it to
    // MetricCatalog).
    assertThat(text.value("chainsight_something_new_total_kind_a_total", Map.of())).contains(1.0);
    assertThat(text.value("chainsight_something_new_total_kind_b_total", Map.of())).contains(1.0);
  }
}
