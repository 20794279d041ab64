package io.chainsight.core.admin;

import com.codahale.metrics.MetricRegistry;
import io.chainsight.core.certs.TlsMaterial;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics}: one Prometheus registry holding the proxy's Dropwizard metrics (as labelled
 * families), certificate expiry, readiness, and JVM memory, GC and process basics. Prometheus text
 * by default, since scrapers send no parameters; {@code ?format=json} gives the same samples as
 * JSON.
 */
final class MetricsEndpoint {
  private final MetricRegistry dropwizard;
  private final Supplier<TlsMaterial> material;
  private final Clock clock;
  private final ReadinessGauges readiness;
  private final BackendChecks backends;
  // Built on the first scrape, not at start: the Prometheus model and its JVM collectors are some
  // 150 classes (and the JMX beans they read) that a proxy nobody scrapes never needs.
  private PrometheusRegistry registry;
  private PrometheusTextFormatWriter writer;

  MetricsEndpoint(
      MetricRegistry dropwizard,
      Supplier<TlsMaterial> material,
      Clock clock,
      ReadinessGauges readiness,
      BackendChecks backends) {
    this.backends = backends;
    this.dropwizard = dropwizard;
    this.material = material;
    this.clock = clock;
    this.readiness = readiness;
  }

  private synchronized PrometheusRegistry registry() {
    if (registry == null) {
      PrometheusRegistry fresh = new PrometheusRegistry();
      fresh.register(new DropwizardFamilies(dropwizard));
      fresh.register(new CertificateExpiry(material, clock));
      fresh.register(readiness);
      fresh.register(new BackendUp(backends));
      JvmMemoryMetrics.builder().register(fresh);
      JvmGarbageCollectorMetrics.builder().register(fresh);
      JvmRuntimeInfoMetric.builder().register(fresh);
      ProcessMetrics.builder().register(fresh);
      writer = PrometheusTextFormatWriter.create();
      registry = fresh;
    }
    return registry;
  }

  AdminResponse handle(AdminRequest request) {
    MetricSnapshots snapshots = registry().scrape();
    if (request.wantsText()) {
      return new AdminResponse(
          HttpResponseStatus.OK,
          PrometheusTextFormatWriter.CONTENT_TYPE,
          prometheusText(snapshots),
          Map.of());
    }
    return AdminResponse.of(request, HttpResponseStatus.OK, json(snapshots), "");
  }

  String prometheusText(MetricSnapshots snapshots) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writerFor().write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private synchronized PrometheusTextFormatWriter writerFor() {
    registry();
    return writer;
  }

  private static Map<String, Object> json(MetricSnapshots snapshots) {
    List<Object> families = new ArrayList<>();
    for (MetricSnapshot snapshot : snapshots) {
      Map<String, Object> family = new LinkedHashMap<>();
      String name = snapshot.getMetadata().getPrometheusName();
      family.put(
          "name",
          snapshot instanceof CounterSnapshot
              ? name + "_total"
              : snapshot instanceof InfoSnapshot ? name + "_info" : name);
      family.put("type", type(snapshot));
      family.put("help", snapshot.getMetadata().getHelp());
      List<Object> samples = new ArrayList<>();
      for (DataPointSnapshot point : snapshot.getDataPoints()) {
        samples.add(sample(point));
      }
      family.put("samples", samples);
      families.add(family);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("families", families);
    return json;
  }

  private static String type(MetricSnapshot snapshot) {
    if (snapshot instanceof CounterSnapshot) {
      return "counter";
    }
    if (snapshot instanceof GaugeSnapshot) {
      return "gauge";
    }
    if (snapshot instanceof SummarySnapshot) {
      return "summary";
    }
    if (snapshot instanceof InfoSnapshot) {
      return "info";
    }
    return snapshot.getClass().getSimpleName();
  }

  private static Map<String, Object> sample(DataPointSnapshot point) {
    Map<String, Object> sample = new LinkedHashMap<>();
    Map<String, Object> labels = new LinkedHashMap<>();
    for (Label label : point.getLabels()) {
      labels.put(label.getName(), label.getValue());
    }
    sample.put("labels", labels);
    if (point instanceof CounterSnapshot.CounterDataPointSnapshot) {
      sample.put("value", ((CounterSnapshot.CounterDataPointSnapshot) point).getValue());
    } else if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot) {
      sample.put("value", ((GaugeSnapshot.GaugeDataPointSnapshot) point).getValue());
    } else if (point instanceof SummarySnapshot.SummaryDataPointSnapshot) {
      SummarySnapshot.SummaryDataPointSnapshot summary =
          (SummarySnapshot.SummaryDataPointSnapshot) point;
      if (summary.hasCount()) {
        sample.put("count", summary.getCount());
      }
      if (summary.hasSum()) {
        sample.put("sum", summary.getSum());
      }
      Map<String, Object> quantiles = new LinkedHashMap<>();
      for (Quantile quantile : summary.getQuantiles()) {
        quantiles.put(String.valueOf(quantile.getQuantile()), quantile.getValue());
      }
      sample.put("quantiles", quantiles);
    } else if (point instanceof InfoSnapshot.InfoDataPointSnapshot) {
      sample.put("value", 1);
    }
    return sample;
  }
}
