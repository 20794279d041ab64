package io.chainsight.core.config;

import io.chainsight.core.access.AccessRule;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of {@code routes}: requests whose path starts with {@code pathPrefix} (and whose method
 * is in {@code methods}, when given) go to this route's backend under its own client-auth and
 * access rules. What a route leaves out comes from the global settings.
 *
 * <p>{@code pathPrefix} may hold two wildcards that stay inside one path segment: {@code *} (any
 * run of characters but {@code /}, none included) and {@code ?} (one character but {@code /}); so
 * {@code /v*}{@code /agents} covers {@code /v2.1/agents/...} and {@code /v3.0/agents}, and no API
 * version needs a route of its own. Everything else is literal. A request path never holds a {@code
 * ?} (that starts the query), so the wildcard cannot shadow a real character; a literal {@code *}
 * cannot be matched. Routes rank by the length of their {@code pathPrefix} as written, longest
 * first.
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

  /** The methods a route may name (CONNECT has no path to match). */
  public static final List<String> KNOWN_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");

  public RouteSettings {
    if (pathPrefix == null
        || !pathPrefix.startsWith("/")
        || pathPrefix.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "routes[].path-prefix: \""
              + pathPrefix
              + "\" (expected: a path starting "
              + "with /, e.g. /v2.1/agents/ or /v*/agents)");
    }
    methods = Set.copyOf(methods);
    for (String method : methods) {
      if (!KNOWN_METHODS.contains(method)) {
        throw new IllegalArgumentException(
            "routes[].methods: \""
                + method
                + "\" (expected: some of "
                + String.join(", ", KNOWN_METHODS)
                + ", in upper case; leave methods out for all of them)");
      }
    }
    if (clientAuth.isPresent() && clientAuth.get() == TlsSettings.ClientAuth.NONE) {
      throw new IllegalArgumentException(
          "routes[].client-auth: none (expected: require or optional; a route "
              + "cannot turn off what the listener asks for)");
    }
    allow = allow.map(List::copyOf);
    connectTimeout.ifPresent(d -> Checks.positive("routes[].connect-timeout", d));
    responseTimeout.ifPresent(d -> Checks.positive("routes[].response-timeout", d));
    if (backend.isPresent()) {
      URI url = backend.get();
      String scheme = url.getScheme();
      if ((!"http".equals(scheme) && !"https".equals(scheme)) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "routes[].backend: " + url + " (expected: http://HOST:PORT or https://HOST:PORT)");
      }
      if (url.getRawPath() != null
          && !url.getRawPath().isEmpty()
          && !url.getRawPath().equals("/")) {
        throw new IllegalArgumentException(
            "routes[].backend: "
                + url
                + " has a path (expected: "
                + scheme
                + "://HOST:PORT only; request paths are forwarded unchanged)");
      }
      if ("https".equals(scheme) && tls.isEmpty()) {
        throw new IllegalArgumentException(
            "routes[].backend: "
                + url
                + " is https but the route has no "
                + "tls { trusted-cas = ... } (expected: the CA that issued the backend's certificate)");
      }
    }
    if (tls.isPresent() && (backend.isEmpty() || !"https".equals(backend.get().getScheme()))) {
      throw new IllegalArgumentException(
          "routes[].tls: set, but the route's backend is "
              + backend.map(URI::toString).orElse("backend.url (plain http)")
              + " (expected: backend = "
              + "\"https://HOST:PORT\" with tls, or no tls)");
    }
  }

  /**
   * How messages name the route: {@code /v*}{@code /agents GET|DELETE}; see {@link
   * #describe(String, Set)}.
   */
  public String describe() {
    return describe(pathPrefix, methods);
  }

  /**
   * A path-prefix and its methods, the methods in {@link #KNOWN_METHODS} order: the same text in
   * every run (a {@code Set}'s own order changes from one JVM to the next), in check-config, the
   * startup line, 404 bodies and refusals alike.
   */
  public static String describe(String pathPrefix, Set<String> methods) {
    if (methods.isEmpty()) {
      return pathPrefix;
    }
    StringBuilder text = new StringBuilder(pathPrefix);
    char separator = ' ';
    for (String method : KNOWN_METHODS) {
      if (methods.contains(method)) {
        text.append(separator).append(method);
        separator = '|';
      }
    }
    return text.toString();
  }

  /**
   * Whether this route takes the request: its path matches {@link #matchesPath}, its method is
   * listed (or any is).
   */
  public boolean matches(String method, String path) {
    return (methods.isEmpty() || methods.contains(method)) && matchesPath(path);
  }

  /**
   * Whether {@code path} (without the query) starts with {@link #pathPrefix}, wildcards expanded.
   */
  public boolean matchesPath(String path) {
    return pathMatches(pathPrefix, path);
  }

  /**
   * Whether {@code path} starts with something {@code prefix} matches, {@code *} and {@code ?}
   * staying inside one segment. Allocation-free: it runs for every request.
   */
  public static boolean pathMatches(String prefix, String path) {
    return matchFrom(prefix, 0, path, 0);
  }

  private static boolean matchFrom(String pattern, int p, String path, int s) {
    while (p < pattern.length()) {
      char c = pattern.charAt(p);
      if (c == '*') {
        // Shortest run first; a run never crosses a "/", so the search is bounded by one segment.
        for (int end = s; ; end++) {
          if (matchFrom(pattern, p + 1, path, end)) {
            return true;
          }
          if (end == path.length() || path.charAt(end) == '/') {
            return false;
          }
        }
      }
      if (s == path.length() || (c == '?' ? path.charAt(s) == '/' : path.charAt(s) != c)) {
        return false;
      }
      p++;
      s++;
    }
    return true;
  }
}
