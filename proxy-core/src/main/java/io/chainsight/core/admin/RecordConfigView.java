package io.chainsight.core.admin;

import io.chainsight.core.access.AccessRule;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.json.JsonLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The configuration rendered from the settings records, for when the loader's origins are not
 * wired: every origin is {@code unknown}. The private key shows as its path (the records never hold
 * key bytes) and the admin token as {@code <redacted>}.
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
    add(entries, "listen.event-loops", String.valueOf(config.listen().eventLoops()));
    add(entries, "tls.certificate-chain", path(config.tls().certificateChain()));
    add(entries, "tls.private-key", path(config.tls().privateKey()));
    add(
        entries,
        "tls.trusted-cas",
        config.tls().trustedCas().map(RecordConfigView::path).orElse(NOT_SET));
    add(
        entries,
        "tls.crls",
        config.tls().crls().stream()
            .map(RecordConfigView::path)
            .collect(Collectors.joining(", ", "[", "]")));
    add(entries, "tls.client-auth", lower(config.tls().clientAuth()));
    add(
        entries,
        "tls.protocols",
        config.tls().protocols().stream()
            .map(RecordConfigView::quote)
            .collect(Collectors.joining(", ", "[", "]")));
    add(entries, "tls.handshake-timeout", duration(config.tls().handshakeTimeout()));
    add(entries, "tls.client-auth-failure", lower(config.tls().clientAuthFailure()));
    add(entries, "tls.session-ticket-rotation", duration(config.tls().sessionTicketRotation()));
    add(entries, "backend.url", quote(config.backend().url().toString()));
    add(entries, "backend.connect-timeout", duration(config.backend().connectTimeout()));
    add(entries, "backend.response-timeout", duration(config.backend().responseTimeout()));
    add(
        entries,
        "backend.max-idle-connections",
        String.valueOf(config.backend().maxIdleConnections()));
    add(entries, "limits.max-request-line", String.valueOf(config.limits().maxRequestLine()));
    add(entries, "limits.max-header-size", String.valueOf(config.limits().maxHeaderSize()));
    add(entries, "limits.max-headers", String.valueOf(config.limits().maxHeaders()));
    add(entries, "limits.max-body-size", String.valueOf(config.limits().maxBodySize()));
    add(entries, "limits.request-header-timeout", duration(config.limits().requestHeaderTimeout()));
    add(entries, "limits.idle-timeout", duration(config.limits().idleTimeout()));
    add(entries, "limits.max-connections", String.valueOf(config.limits().maxConnections()));
    add(
        entries,
        "limits.max-connections-per-ip",
        String.valueOf(config.limits().maxConnectionsPerIp()));
    add(entries, "shutdown.drain-timeout", duration(config.shutdown().drainTimeout()));
    add(entries, "admin.enabled", String.valueOf(config.admin().enabled()));
    add(entries, "admin.host", quote(config.admin().host()));
    add(entries, "admin.port", String.valueOf(config.admin().port()));
    add(entries, "admin.token", config.admin().token().isPresent() ? REDACTED : NOT_SET);
    add(entries, "admin.probes.enabled", String.valueOf(config.admin().probes().enabled()));
    add(entries, "admin.probes.host", quote(config.admin().probes().host()));
    add(entries, "admin.probes.port", String.valueOf(config.admin().probes().port()));
    add(entries, "diagnostics.dedup-window", duration(config.diagnostics().dedupWindow()));
    add(entries, "diagnostics.recent", String.valueOf(config.diagnostics().recent()));
    add(entries, "log.format", lower(config.log().format()));
    add(entries, "log.access", String.valueOf(config.log().access()));
    add(entries, "access.allow", rules(config.allow()));
    for (int i = 0; i < config.routes().size(); i++) {
      add(entries, "routes[" + i + "]", route(config.routes().get(i)));
    }
    return new RecordConfigView(entries);
  }

  @Override
  public List<Entry> entries() {
    return entries;
  }

  private static String rules(List<AccessRule> rules) {
    return rules.stream().map(RecordConfigView::rule).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String rule(AccessRule rule) {
    List<String> fields = new ArrayList<>();
    rule.subjectCn().ifPresent(v -> fields.add("subject-cn = " + quote(v)));
    rule.subject().ifPresent(v -> fields.add("subject = " + quote(v)));
    rule.ou().ifPresent(v -> fields.add("ou = " + quote(v)));
    rule.sanDns().ifPresent(v -> fields.add("san-dns = " + quote(v)));
    rule.sanUri().ifPresent(v -> fields.add("san-uri = " + quote(v)));
    rule.sanIp().ifPresent(v -> fields.add("san-ip = " + quote(v)));
    rule.issuerCn().ifPresent(v -> fields.add("issuer-cn = " + quote(v)));
    rule.spkiSha256().ifPresent(v -> fields.add("spki-sha256 = " + quote(v)));
    rule.fingerprintSha256().ifPresent(v -> fields.add("fingerprint-sha256 = " + quote(v)));
    return "{" + String.join(", ", fields) + "}";
  }

  /** A route on one line; its backend TLS key shows as its path, like tls.private-key. */
  private static String route(RouteSettings route) {
    List<String> fields = new ArrayList<>();
    fields.add("path-prefix = " + quote(route.pathPrefix()));
    if (!route.methods().isEmpty()) {
      fields.add(
          "methods = "
              + route.methods().stream().sorted().collect(Collectors.joining(", ", "[", "]")));
    }
    route.backend().ifPresent(v -> fields.add("backend = " + quote(v.toString())));
    route.clientAuth().ifPresent(v -> fields.add("client-auth = " + lower(v)));
    route.allow().ifPresent(v -> fields.add("access.allow = " + rules(v)));
    route.connectTimeout().ifPresent(v -> fields.add("connect-timeout = " + duration(v)));
    route.responseTimeout().ifPresent(v -> fields.add("response-timeout = " + duration(v)));
    route
        .tls()
        .ifPresent(
            tls -> {
              List<String> files = new ArrayList<>();
              tls.certificateChain().ifPresent(v -> files.add("certificate-chain = " + path(v)));
              tls.privateKey().ifPresent(v -> files.add("private-key = " + path(v)));
              files.add("trusted-cas = " + path(tls.trustedCas()));
              tls.serverName().ifPresent(v -> files.add("server-name = " + quote(v)));
              fields.add("tls = {" + String.join(", ", files) + "}");
            });
    return "{" + String.join(", ", fields) + "}";
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

  /** A HOCON quoted string, which is a JSON string. */
  private static String quote(String value) {
    return JsonLayout.COMPACT.write(value);
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
