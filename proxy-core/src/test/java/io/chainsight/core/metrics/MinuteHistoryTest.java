package io.chainsight.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinuteHistoryTest {
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  private final MetricRegistry registry = new MetricRegistry();
  private final ProxyMetrics metrics = new ProxyMetrics(registry);
  private final SettableClock clock = new SettableClock(START);
  private final MinuteHistory history =
      new MinuteHistory(
          registry,
          clock,
          List.of(ProxyMetrics.HANDSHAKES, ProxyMetrics.HANDSHAKE_FAILURES, ProxyMetrics.REQUESTS));

  @Test
  void theCurrentMinuteCountsWhatHappenedSinceTheLastSample() {
    metrics.handshakeSucceeded();
    metrics.handshakeFailed("listener", "EXPIRED");
    metrics.request(200, 1_000);
    clock.advance(Duration.ofSeconds(20));

    List<MinuteHistory.Minute> minutes = history.lastHour();

    assertThat(minutes).hasSize(1);
    MinuteHistory.Minute now = minutes.get(0);
    assertThat(now.partial()).isTrue();
    assertThat(now.start()).isEqualTo(START);
    assertThat(now.end()).isEqualTo(START.plusSeconds(20));
    assertThat(now.count(ProxyMetrics.HANDSHAKES, Map.of("result", "success"))).isEqualTo(1);
    assertThat(now.count(ProxyMetrics.HANDSHAKES, Map.of("result", "failure"))).isEqualTo(1);
    assertThat(now.count(ProxyMetrics.REQUESTS, Map.of("code", "200"))).isEqualTo(1);
    assertThat(now.counts().get(ProxyMetrics.HANDSHAKE_FAILURES))
        .extracting(MinuteHistory.Count::count)
        .containsExactly(1L);
    assertThat(now.counts().get(ProxyMetrics.HANDSHAKE_FAILURES).get(0).labels())
        .containsEntry("reason", "EXPIRED");
  }

  @Test
  void aNameWithSeveralLabelsGivesThemAllInOrder() {
    registry.counter("chainsight_handshake_failures_total.hop.backend.reason.EXPIRED").inc(2);

    MinuteHistory.Count count =
        history.lastHour().get(0).counts().get(ProxyMetrics.HANDSHAKE_FAILURES).get(0);

    assertThat(count.labels())
        .containsExactly(Map.entry("hop", "backend"), Map.entry("reason", "EXPIRED"));
    assertThat(count.count()).isEqualTo(2);
  }

  @Test
  void eachSampleClosesAMinuteWithTheGrowthSinceTheOneBefore() {
    metrics.handshakeFailed("listener", "EXPIRED");
    clock.advance(Duration.ofMinutes(1));
    history.sample();
    metrics.handshakeFailed("listener", "EXPIRED");
    metrics.handshakeFailed("listener", "EXPIRED");
    metrics.handshakeFailed("backend", "ISSUER_NOT_FOUND");
    clock.advance(Duration.ofMinutes(1));
    history.sample();
    clock.advance(Duration.ofSeconds(5));

    List<MinuteHistory.Minute> minutes = history.lastHour();

    assertThat(minutes)
        .extracting(MinuteHistory.Minute::partial)
        .containsExactly(false, false, true);
    assertThat(minutes.get(0).count(ProxyMetrics.HANDSHAKE_FAILURES, Map.of("reason", "EXPIRED")))
        .isEqualTo(1);
    assertThat(minutes.get(1).count(ProxyMetrics.HANDSHAKE_FAILURES, Map.of("reason", "EXPIRED")))
        .isEqualTo(2);
    // ISSUER_NOT_FOUND's counter did not exist at the sample before: it grew from zero.
    assertThat(
            minutes
                .get(1)
                .count(ProxyMetrics.HANDSHAKE_FAILURES, Map.of("reason", "ISSUER_NOT_FOUND")))
        .isEqualTo(1);
    assertThat(minutes.get(1).count(ProxyMetrics.HANDSHAKES, Map.of("result", "failure")))
        .isEqualTo(3);
    assertThat(minutes.get(1).start()).isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(minutes.get(1).end()).isEqualTo(START.plus(Duration.ofMinutes(2)));
    assertThat(minutes.get(2).counts()).isEmpty();
  }

  @Test
  void keepsAnHourAndDropsTheOldest() {
    for (int minute = 0; minute < 75; minute++) {
      for (int i = 0; i <= minute; i++) {
        metrics.request(200, 1_000);
      }
      clock.advance(Duration.ofMinutes(1));
      history.sample();
    }

    List<MinuteHistory.Minute> minutes = history.lastHour();

    assertThat(minutes).hasSize(MinuteHistory.MINUTES);
    // 59 closed minutes and the current one: the oldest kept is the 17th, which counted 17.
    assertThat(minutes.get(0).count(ProxyMetrics.REQUESTS, Map.of("code", "200"))).isEqualTo(17);
    assertThat(minutes.get(58).count(ProxyMetrics.REQUESTS, Map.of("code", "200"))).isEqualTo(75);
    assertThat(minutes.get(59).partial()).isTrue();
  }

  @Test
  void countersOfOtherFamiliesAreNotKept() {
    metrics.backendError("connect");
    metrics.rejected("method");
    registry.counter("chainsight_requests_total_without_label").inc();

    assertThat(history.lastHour().get(0).counts()).isEmpty();
  }

  /** A clock the test moves by hand. */
  private static final class SettableClock extends Clock {
    private Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
