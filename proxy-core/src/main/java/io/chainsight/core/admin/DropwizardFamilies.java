package io.chainsight.core.admin;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Dropwizard registry as Prometheus families, through the maintained bridge (DropwizardExports
 * with the catalogue's label mapper). The bridge (client_java 1.4.3) refuses a collect in which two
 * Dropwizard metrics map to one family ("duplicate metric name", client_java issue #1712), so each
 * Dropwizard metric is collected on its own and the one-sample snapshots are merged here into one
 * family each, with the catalogue's type and help.
 */
final class DropwizardFamilies implements MultiCollector {
  private final MetricRegistry registry;
  private final CustomLabelMapper mapper = new CustomLabelMapper(MetricCatalog.mapperConfigs());

  DropwizardFamilies(MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, List<MetricSnapshot>> byFamily = new LinkedHashMap<>();
    for (String name : registry.getNames()) {
      DropwizardExports one =
          new DropwizardExports(registry, (candidate, metric) -> candidate.equals(name), mapper);
      for (MetricSnapshot snapshot : one.collect()) {
        byFamily
            .computeIfAbsent(snapshot.getMetadata().getName(), k -> new ArrayList<>())
            .add(snapshot);
      }
    }
    MetricSnapshots.Builder families = MetricSnapshots.builder();
    byFamily.forEach((name, parts) -> families.metricSnapshot(merge(name, parts)));
    return families.build();
  }

  private static MetricSnapshot merge(String name, List<MetricSnapshot> parts) {
    Optional<MetricCatalog.Family> family = MetricCatalog.byModelName(name);
    MetricMetadata metadata =
        family.map(f -> new MetricMetadata(name, f.help())).orElse(parts.get(0).getMetadata());
    MetricSnapshot first = parts.get(0);
    if (first instanceof CounterSnapshot
        && family.map(f -> f.type() == MetricCatalog.Type.GAUGE).orElse(false)) {
      List<GaugeDataPointSnapshot> points = new ArrayList<>();
      for (MetricSnapshot part : parts) {
        for (CounterDataPointSnapshot point : counter(name, part).getDataPoints()) {
          points.add(new GaugeDataPointSnapshot(point.getValue(), point.getLabels(), null));
        }
      }
      return new GaugeSnapshot(metadata, points);
    }
    if (first instanceof CounterSnapshot) {
      List<CounterDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(part -> points.addAll(counter(name, part).getDataPoints()));
      return new CounterSnapshot(metadata, points);
    }
    if (first instanceof GaugeSnapshot) {
      List<GaugeDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(
          part -> points.addAll(sameType(name, part, GaugeSnapshot.class).getDataPoints()));
      return new GaugeSnapshot(metadata, points);
    }
    if (first instanceof SummarySnapshot) {
      List<SummaryDataPointSnapshot> points = new ArrayList<>();
      parts.forEach(
          part -> points.addAll(sameType(name, part, SummarySnapshot.class).getDataPoints()));
      return new SummarySnapshot(metadata, points);
    }
    throw new IllegalStateException(
        "metric "
            + name
            + ": the bridge made a "
            + first.getClass().getSimpleName()
            + " (expected: a counter, gauge or summary)");
  }

  private static CounterSnapshot counter(String name, MetricSnapshot part) {
    return sameType(name, part, CounterSnapshot.class);
  }

  private static <T extends MetricSnapshot> T sameType(
      String name, MetricSnapshot part, Class<T> type) {
    if (!type.isInstance(part)) {
      throw new IllegalStateException(
          "metric "
              + name
              + " mixes Dropwizard metric types ("
              + type.getSimpleName()
              + " and "
              + part.getClass().getSimpleName()
              + "): give each Dropwizard metric of a family the same type "
              + "in ProxyMetrics");
    }
    return type.cast(part);
  }
}
