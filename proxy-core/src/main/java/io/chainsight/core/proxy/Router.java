package io.chainsight.core.proxy;

import io.chainsight.core.access.AccessPolicy;
import io.chainsight.core.certs.BackendTlsMaterial;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.RouteSettings;
import io.chainsight.core.config.TlsSettings.ClientAuth;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.tls.BackendTlsContext;
import io.chainsight.core.tls.TlsEngine;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the route for a request: the longest {@code path-prefix} that matches, among routes whose
 * {@code methods} (when given) include the request's. With no {@code routes} configured there is
 * one route, {@code /}, to {@code backend.url} with the global settings. Routes with the same
 * backend share one pool.
 */
final class Router {
  /** A route as the request path uses it. */
  record Route(
      String name,
      String pathPrefix,
      Set<String> methods,
      ClientAuth clientAuth,
      AccessPolicy access,
      BackendPool pool) {
    boolean matches(String method, String path) {
      return (methods.isEmpty() || methods.contains(method))
          && RouteSettings.pathMatches(pathPrefix, path);
    }
  }

  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = routes;
  }

  static Router of(
      ChainsightConfig config, Transport transport, TlsEngine engine, ProxyMetrics metrics)
      throws ConfigException {
    ClientAuth global = config.tls().clientAuth();
    if (config.routes().isEmpty()) {
      BackendPool pool = new BackendPool(transport, BackendTarget.plain(config.backend()), metrics);
      return new Router(
          List.of(
              new Route("default", "/", Set.of(), global, AccessPolicy.of(config.allow()), pool)));
    }
    Map<String, BackendPool> pools = new HashMap<>();
    List<Route> routes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < config.routes().size(); i++) {
      RouteSettings settings = config.routes().get(i);
      String name = "routes[" + i + "] (" + settings.describe() + ")";
      try {
        BackendTarget target = target(config, settings, "routes[" + i + "].tls", engine);
        BackendPool pool = pools.get(key(settings, target));
        if (pool == null) {
          pool = new BackendPool(transport, target, metrics);
          pools.put(key(settings, target), pool);
        }
        routes.add(
            new Route(
                name,
                settings.pathPrefix(),
                settings.methods(),
                settings.clientAuth().orElse(global),
                AccessPolicy.of(settings.allow().orElse(config.allow())),
                pool));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    routes.sort(Comparator.comparingInt((Route r) -> r.pathPrefix().length()).reversed());
    return new Router(List.copyOf(routes));
  }

  private static BackendTarget target(
      ChainsightConfig config, RouteSettings route, String where, TlsEngine engine)
      throws ConfigException {
    var url = route.backend().orElse(config.backend().url());
    var connect = route.connectTimeout().orElse(config.backend().connectTimeout());
    var response = route.responseTimeout().orElse(config.backend().responseTimeout());
    int idle = config.backend().maxIdleConnections();
    if (route.tls().isEmpty() || !"https".equals(url.getScheme())) {
      return new BackendTarget(
          url,
          connect,
          response,
          idle,
          Optional.empty(),
          url.getHost(),
          List.of(),
          Optional.empty());
    }
    String serverName = route.tls().get().serverName().orElse(url.getHost());
    // The same loading and checks as check-config.
    BackendTlsMaterial material = BackendTlsMaterial.load(where, route.tls().get());
    SslContext tls = BackendTlsContext.build(where, material, serverName, engine);
    return new BackendTarget(
        url,
        connect,
        response,
        idle,
        Optional.of(tls),
        serverName,
        material.chain().orElse(List.of()),
        Optional.of(where));
  }

  private static String key(RouteSettings route, BackendTarget target) {
    return target.url()
        + "|"
        + route.tls()
        + "|"
        + target.connectTimeout()
        + "|"
        + target.responseTimeout();
  }

  /** The route for this request, if any. */
  Optional<Route> match(String method, String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String upper = method.toUpperCase(Locale.ROOT);
    for (int i = 0; i < routes.size(); i++) { // no iterator: this runs on every request
      Route route = routes.get(i);
      if (route.matches(upper, path)) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  /**
   * A reload replaced this router: its pools close (idle connections now, lent ones when their
   * exchange ends).
   */
  void close() {
    routes.stream().map(Route::pool).distinct().forEach(BackendPool::close);
  }

  List<Route> routes() {
    return routes;
  }

  /** The routes, longest prefix first, for a 404's body. */
  String describe() {
    return String.join(
        ", ",
        routes.stream().map(r -> RouteSettings.describe(r.pathPrefix(), r.methods())).toList());
  }
}
