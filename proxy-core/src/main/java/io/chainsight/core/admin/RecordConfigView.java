package io.chainsight.core.admin;

import io.chainsight.core.config.ChainsightConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The configuration rendered from the settings records, for when the loader's origins are not wired: every origin
 * is {@code unknown}. The private key shows as its path (the records never hold key bytes) and the admin token
 * as {@code <redacted>}.
 */
public final class RecordConfigView implements ConfigView {
  static final String REDACTED = "<redacted>";
  static final String NOT_SET = "<not set>";
  private static final String UNKNOWN = "unknown";

  private final List<Entry> entries;

  private RecordConfigView(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static RecordConfigView of(ChainsightConfig config) {
    List<Entry> entries = new ArrayList<>();
    add(entries, "listen.host", quote(config.listen().host()));
    add(entries, "listen.port", String.valueOf(config.listen().port()));
    add(entries, "tls.certificate-chain", path(config.tls().certificateChain()));
    add(entries, "tls.private-key", path(config.tls().privateKey()));
    add(entries, "tls.trusted-cas", config.tls().trustedCas().map(RecordConfigView::path).orElse(NOT_SET));
    add(entries, "tls.crls", config.tls().crls().stream().map(RecordConfigView::path)
        .collect(Collectors.joining(", ", "[", "]")));
    add(entries, "tls.client-auth", lower(config.tls().clientAuth()));
    add(entries, "tls.protocols", config.tls().protocols().stream().map(RecordConfigView::quote)
        .collect(Collectors.joining(", ", "[", "]")));
    add(entries, "tls.handshake-timeout", duration(config.tls().handshakeTimeout()));
    add(entries, "tls.client-auth-failure", lower(config.tls().clientAuthFailure()));
    add(entries, "backend.url", quote(config.backend().url().toString()));
    add(entries, "backend.connect-timeout", duration(config.backend().connectTimeout()));
    add(entries, "backend.response-timeout", duration(config.backend().responseTimeout()));
    add(entries, "backend.max-idle-connections", String.valueOf(config.backend().maxIdleConnections()));
    add(entries, "limits.max-request-line", String.valueOf(config.limits().maxRequestLine()));
    add(entries, "limits.max-header-size", String.valueOf(config.limits().maxHeaderSize()));
    add(entries, "limits.max-headers", String.valueOf(config.limits().maxHeaders()));
    add(entries, "limits.max-body-size", String.valueOf(config.limits().maxBodySize()));
    add(entries, "limits.request-header-timeout", duration(config.limits().requestHeaderTimeout()));
    add(entries, "limits.idle-timeout", duration(config.limits().idleTimeout()));
    add(entries, "limits.max-connections", String.valueOf(config.limits().maxConnections()));
    add(entries, "limits.max-connections-per-ip", String.valueOf(config.limits().maxConnectionsPerIp()));
    add(entries, "admin.enabled", String.valueOf(config.admin().enabled()));
    add(entries, "admin.host", quote(config.admin().host()));
    add(entries, "admin.port", String.valueOf(config.admin().port()));
    add(entries, "admin.token", config.admin().token().isPresent() ? REDACTED : NOT_SET);
    add(entries, "diagnostics.dedup-window", duration(config.diagnostics().dedupWindow()));
    add(entries, "diagnostics.recent", String.valueOf(config.diagnostics().recent()));
    add(entries, "log.format", lower(config.log().format()));
    add(entries, "log.access", String.valueOf(config.log().access()));
    return new RecordConfigView(entries);
  }

  @Override
  public List<Entry> entries() {
    return entries;
  }

  private static void add(List<Entry> entries, String key, String value) {
    entries.add(new Entry(key, value, UNKNOWN));
  }

  private static String path(Path path) {
    return quote(path.toString());
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String quote(String value) {
    StringBuilder out = new StringBuilder();
    Json.quote(value, out);
    return out.toString();
  }

  /** As written in HOCON: 10s, 500ms, 2m. */
  static String duration(Duration duration) {
    if (duration.toMillis() % 1000 != 0) {
      return duration.toMillis() + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
