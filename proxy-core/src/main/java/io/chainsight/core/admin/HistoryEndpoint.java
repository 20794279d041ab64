package io.chainsight.core.admin;

import io.chainsight.core.metrics.MinuteHistory;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /history}: the last hour per minute (handshakes by result, handshake failures by reason,
 * requests by status), from {@link MinuteHistory}; what the admin page draws its charts from.
 */
final class HistoryEndpoint {
  /** The families kept, and the name each has in the answer. */
  static final Map<String, String> SERIES =
      Map.of(
          ProxyMetrics.HANDSHAKES, "handshakes",
          ProxyMetrics.HANDSHAKE_FAILURES, "handshakeFailures",
          ProxyMetrics.REQUESTS, "requests");

  static final List<String> FAMILIES =
      List.of(ProxyMetrics.HANDSHAKES, ProxyMetrics.HANDSHAKE_FAILURES, ProxyMetrics.REQUESTS);

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final MinuteHistory history;

  HistoryEndpoint(MinuteHistory history) {
    this.history = history;
  }

  /** The answer, as Jackson writes it: the field order is the order of the components. */
  record HistoryJson(int bucketSeconds, List<MinuteJson> minutes) {}

  /**
   * One minute: the counters of each series that grew in it, each with its labels and how much
   * (zeros left out).
   */
  record MinuteJson(
      String start,
      String end,
      boolean partial,
      List<MinuteHistory.Count> handshakes,
      List<MinuteHistory.Count> handshakeFailures,
      List<MinuteHistory.Count> requests) {
    static MinuteJson of(MinuteHistory.Minute minute) {
      return new MinuteJson(
          minute.start().toString(),
          minute.end().toString(),
          minute.partial(),
          minute.counts().getOrDefault(ProxyMetrics.HANDSHAKES, List.of()),
          minute.counts().getOrDefault(ProxyMetrics.HANDSHAKE_FAILURES, List.of()),
          minute.counts().getOrDefault(ProxyMetrics.REQUESTS, List.of()));
    }
  }

  AdminResponse handle(AdminRequest request) {
    List<MinuteHistory.Minute> minutes = history.lastHour();
    StringBuilder text =
        new StringBuilder(
            "the last hour per minute, oldest first (UTC; minutes with nothing counted left out):\n");
    int shown = 0;
    for (MinuteHistory.Minute minute : minutes) {
      StringBuilder line = new StringBuilder();
      for (String family : FAMILIES) {
        List<MinuteHistory.Count> counts = minute.counts().getOrDefault(family, List.of());
        if (!counts.isEmpty()) {
          line.append("  ").append(SERIES.get(family));
          for (MinuteHistory.Count count : counts) {
            line.append(' ')
                .append(String.join("/", count.labels().values()))
                .append('=')
                .append(count.count());
          }
        }
      }
      if (line.length() > 0) {
        shown++;
        text.append("  ")
            .append(CLOCK.format(minute.start()))
            .append('-')
            .append(minute.partial() ? "now     " : CLOCK.format(minute.end()))
            .append(line)
            .append('\n');
      }
    }
    if (shown == 0) {
      text.append("  nothing counted yet\n");
    }
    HistoryJson json =
        new HistoryJson(60, minutes.stream().map(MinuteJson::of).collect(Collectors.toList()));
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }
}
