package io.chainsight.core.admin;

import io.chainsight.core.metrics.MinuteHistory;
import io.chainsight.core.metrics.ProxyMetrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  AdminResponse handle(AdminRequest request) {
    List<MinuteHistory.Minute> minutes = history.lastHour();
    List<Object> listed = new ArrayList<>();
    StringBuilder text =
        new StringBuilder(
            "the last hour per minute, oldest first (UTC; minutes with nothing counted left out):\n");
    int shown = 0;
    for (MinuteHistory.Minute minute : minutes) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("start", minute.start().toString());
      json.put("end", minute.end().toString());
      json.put("partial", minute.partial());
      StringBuilder line = new StringBuilder();
      for (String family : FAMILIES) {
        Map<String, Long> counts = minute.counts().getOrDefault(family, Map.of());
        Map<String, Object> values = new LinkedHashMap<>();
        counts.forEach(values::put);
        json.put(SERIES.get(family), values);
        if (!counts.isEmpty()) {
          line.append("  ").append(SERIES.get(family));
          counts.forEach(
              (value, count) -> line.append(' ').append(value).append('=').append(count));
        }
      }
      listed.add(json);
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
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("bucketSeconds", 60);
    json.put("minutes", listed);
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }
}
