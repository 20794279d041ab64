package io.chainsight.core.config;

import io.chainsight.core.access.AccessRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole effective configuration, as plain values. {@link ConfigLoader} is the only place that
 * reads HOCON; everything else takes these records, which check themselves when built.
 *
 * @param allow {@code access.allow}: who may call, when no route says otherwise; empty: any
 *     verified certificate
 * @param routes {@code routes}: per-path backends and policy; empty: everything to {@code
 *     backend.url}
 * @param source the config file it was read from, if any (relative paths were resolved against its
 *     directory)
 */
public record ChainsightConfig(
    ListenSettings listen,
    TlsSettings tls,
    BackendSettings backend,
    LimitsSettings limits,
    ShutdownSettings shutdown,
    AdminSettings admin,
    DiagnosticsSettings diagnostics,
    LogSettings log,
    List<AccessRule> allow,
    List<RouteSettings> routes,
    Optional<Path> source) {

  public ChainsightConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(shutdown, "shutdown");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(diagnostics, "diagnostics");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(source, "source");
    allow = List.copyOf(allow);
    routes = List.copyOf(routes);
  }

  /**
   * The client-auth policy in effect, as the startup line and check-config print it: {@code
   * tls.client-auth}, then the routes that differ from it, e.g. {@code require; optional on
   * /version GET, /v*}{@code /agents POST|PUT}. When some route is optional the listener only asks
   * for a certificate, and the routes that require one answer 401 themselves.
   */
  public String clientAuthPolicy() {
    TlsSettings.ClientAuth global = tls.clientAuth();
    Map<TlsSettings.ClientAuth, List<String>> differing =
        new EnumMap<>(TlsSettings.ClientAuth.class);
    for (RouteSettings route : routes) {
      TlsSettings.ClientAuth own = route.clientAuth().orElse(global);
      if (own != global) {
        differing.computeIfAbsent(own, k -> new ArrayList<>()).add(route.describe());
      }
    }
    StringBuilder policy = new StringBuilder(name(global));
    differing.forEach(
        (mode, where) ->
            policy.append("; ").append(name(mode)).append(" on ").append(String.join(", ", where)));
    return policy.toString();
  }

  private static String name(TlsSettings.ClientAuth mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }
}
