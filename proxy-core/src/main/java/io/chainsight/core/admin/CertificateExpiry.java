package io.chainsight.core.admin;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code chainsight_certificate_expiry_seconds{role, subject, serial}}: seconds until each served
 * and trusted certificate expires (negative once expired), computed at scrape time from the
 * material in use. The serial is a label because two CAs with the same name (a CA re-created with a
 * new key) are exactly what this must show apart.
 */
final class CertificateExpiry implements Collector {
  static final String NAME = "chainsight_certificate_expiry_seconds";

  private final Supplier<TlsMaterial> material;
  private final Clock clock;

  CertificateExpiry(Supplier<TlsMaterial> material, Clock clock) {
    this.material = material;
    this.clock = clock;
  }

  @Override
  public MetricSnapshot collect() {
    GaugeSnapshot.Builder gauge =
        GaugeSnapshot.builder()
            .name(NAME)
            .help(
                "Seconds until the certificate expires (negative once expired), for every served (role=served) and "
                    + "trusted (role=trusted) certificate.");
    TlsMaterial current = material.get();
    if (current != null) {
      Set<String> seen = new HashSet<>();
      add(gauge, "served", current.chain(), seen);
      add(gauge, "trusted", current.trustAnchors(), seen);
    }
    return gauge.build();
  }

  private void add(
      GaugeSnapshot.Builder gauge,
      String role,
      List<X509Certificate> certificates,
      Set<String> seen) {
    for (X509Certificate certificate : certificates) {
      String subject = Certificates.subject(certificate);
      String serial = Certificates.serialHex(certificate);
      // Two series with the same labels are invalid exposition (a certificate listed twice in a
      // file): keep one.
      if (seen.add(role + "\n" + subject + "\n" + serial)) {
        double seconds =
            Duration.between(clock.instant(), certificate.getNotAfter().toInstant()).toSeconds();
        gauge.dataPoint(
            GaugeDataPointSnapshot.builder()
                .value(seconds)
                .labels(Labels.of("role", role, "subject", subject, "serial", serial))
                .build());
      }
    }
  }

  @Override
  public String getPrometheusName() {
    return NAME;
  }
}
