package io.chainsight.core.config;

import io.chainsight.core.access.AccessRule;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code routes}: requests whose path starts with {@code pathPrefix} (and whose method is in
 * {@code methods}, when given) go to this route's backend under its own client-auth and access rules. What a
 * route leaves out comes from the global settings.
 */
public record RouteSettings(
    String pathPrefix,
    Set<String> methods,
    Optional<URI> backend,
    Optional<TlsSettings.ClientAuth> clientAuth,
    Optional<List<AccessRule>> allow,
    Optional<Duration> connectTimeout,
    Optional<Duration> responseTimeout,
    Optional<BackendTlsSettings> tls) {

  public RouteSettings {
    if (pathPrefix == null || !pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("routes[].path-prefix: \"" + pathPrefix + "\" (expected: a path starting "
          + "with /, e.g. /v2.1/agents/)");
    }
    methods = Set.copyOf(methods);
    if (clientAuth.isPresent() && clientAuth.get() == TlsSettings.ClientAuth.NONE) {
      throw new IllegalArgumentException("routes[].client-auth: none (expected: require or optional; a route "
          + "cannot turn off what the listener asks for)");
    }
    if (backend.isPresent()) {
      String scheme = backend.get().getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("routes[].backend: " + backend.get()
            + " (expected: http://HOST:PORT or https://HOST:PORT)");
      }
      if ("https".equals(scheme) && tls.isEmpty()) {
        throw new IllegalArgumentException("routes[].backend: " + backend.get() + " is https but the route has no "
            + "tls { trusted-cas = ... } (expected: the CA that issued the backend's certificate)");
      }
    }
  }
}
