package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {
  @Test
  void aComparisonWithArithmetic() {
    assertThat(
            PromQlNames.of(
                "chainsight_certificate_expiry_seconds < 14 * 86400 and "
                    + "chainsight_certificate_expiry_seconds >= 3 * 86400"))
        .containsExactly("chainsight_certificate_expiry_seconds");
  }

  @Test
  void functionsGroupingRangesAndLabelValuesAreNotNames() {
    assertThat(
            PromQlNames.of(
                "sum by (job, instance, reason) (increase(chainsight_handshake_failures_total"
                    + "{reason=~\"EXPIRED|x_total\", instance=~\"$instance\"}[$__rate_interval]))"
                    + " >= 10 unless on (instance) up == 0"))
        .containsExactly("chainsight_handshake_failures_total", "up");
  }

  @Test
  void aTypoIsANameToo() {
    assertThat(PromQlNames.of("rate(chainsight_handshake_total[5m]) offset 1h"))
        .containsExactly("chainsight_handshake_total");
  }

  @Test
  void numbersAndDurationsAreNotNames() {
    assertThat(PromQlNames.of("min(chainsight_ready) / 86400 > 1e3"))
        .containsExactly("chainsight_ready");
  }
}
