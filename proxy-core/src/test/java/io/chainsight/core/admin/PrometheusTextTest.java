package io.chainsight.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser must accept valid exposition and reject what Prometheus would reject. */
class PrometheusTextTest {
  @Test
  void readsFamiliesLabelsEscapesAndSuffixes() {
    PrometheusText parsed =
        PrometheusText.parse(
            "# HELP a_total Things\\nthat count.\n"
                + "# TYPE a_total counter\n"
                + "a_total{reason=\"X\",subject=\"CN=a\\\\b,O=\\\"q\\\"\"} 3.0\n"
                + "# TYPE d summary\n"
                + "d{quantile=\"0.5\"} 0.25\n"
                + "d_count 4\n");

    assertThat(parsed.family("a_total").help()).isEqualTo("Things\nthat count.");
    assertThat(parsed.value("a_total", Map.of("reason", "X", "subject", "CN=a\\b,O=\"q\"")))
        .contains(3.0);
    assertThat(parsed.family("d").samples()).hasSize(2);
    assertThat(parsed.value("d_count", Map.of())).contains(4.0);
  }

  @Test
  void rejectsASampleWithoutType() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n"))
        .hasMessageContaining("has no TYPE line");
  }

  @Test
  void rejectsTheSameSeriesTwice() {
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n"))
        .hasMessageContaining("the same series twice");
  }

  @Test
  void rejectsAnUnquotedLabelValueAndABadEscape() {
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=1} 1\n"))
        .hasMessageContaining("not quoted");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n"))
        .hasMessageContaining("bad escape");
  }

  @Test
  void rejectsASecondTypeForOneFamily() {
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\n# TYPE x gauge\n"))
        .hasMessageContaining("second TYPE");
  }
}
