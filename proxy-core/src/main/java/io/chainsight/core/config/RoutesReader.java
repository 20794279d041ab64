package io.chainsight.core.config;

import static io.chainsight.core.config.Origins.suffix;
import static io.chainsight.core.config.Reference.CONCISE;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.chainsight.core.access.AccessRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads {@code routes}: each element a {@link RouteSettings}, its keys compared with {@link
 * #ROUTE_KEYS}; then routes that an earlier one hides completely. Shares the element checks (and
 * the {@code access.allow} rules) of {@link ObjectListReader}.
 */
final class RoutesReader {
  /**
   * The keys of one {@code routes} element, sections and their keys included: what a typo is
   * compared with.
   */
  static final List<String> ROUTE_KEYS =
      List.of(
          "path-prefix",
          "methods",
          "backend",
          "client-auth",
          "access",
          "access.allow",
          "connect-timeout",
          "response-timeout",
          "tls",
          "tls.certificate-chain",
          "tls.private-key",
          "tls.trusted-cas",
          "tls.server-name");

  private final ObjectListReader elements;
  private final List<String> problems;

  RoutesReader(ObjectListReader elements) {
    this.elements = elements;
    this.problems = elements.problems;
  }

  List<RouteSettings> routes(String key, ConfigValue value) {
    Optional<ConfigList> list = elements.list(key, value);
    if (list.isEmpty()) {
      return List.of();
    }
    List<RouteSettings> routes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<ConfigOrigin> origins = new ArrayList<>();
    for (int i = 0; i < list.get().size(); i++) {
      String where = key + "[" + i + "]";
      ConfigValue element = list.get().get(i);
      route(where, element)
          .ifPresent(
              route -> {
                routes.add(route);
                names.add(where);
                origins.add(element.origin());
              });
    }
    for (int j = 0; j < routes.size(); j++) {
      for (int i = 0; i < j; i++) {
        if (hides(routes.get(i), routes.get(j))) {
          problems.add(
              names.get(j)
                  + ": never used: "
                  + names.get(i)
                  + " has the same path-prefix \""
                  + routes.get(j).pathPrefix()
                  + "\" and takes "
                  + (routes.get(i).methods().isEmpty()
                      ? "every method"
                      : "its methods " + sorted(routes.get(j).methods()))
                  + " (expected: a longer path-prefix, other methods, or one route; remove "
                  + names.get(j)
                  + ")"
                  + suffix(origins.get(j)));
          break;
        }
      }
    }
    return routes;
  }

  /**
   * Whether {@code first} takes every request {@code later} would (same prefix ties go to the first
   * written).
   */
  private static boolean hides(RouteSettings first, RouteSettings later) {
    return first.pathPrefix().equals(later.pathPrefix())
        && (first.methods().isEmpty()
            || (!later.methods().isEmpty() && first.methods().containsAll(later.methods())));
  }

  private static String sorted(Set<String> methods) {
    return methods.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
  }

  private Optional<RouteSettings> route(String where, ConfigValue element) {
    Optional<ConfigObject> object =
        elements.object(where, element, "{ path-prefix = \"/version\", methods = [GET] }");
    if (object.isEmpty()) {
      return Optional.empty();
    }
    int before = problems.size();
    ConfigObject route = object.get();
    elements.unknownKeys(where, route, "", ROUTE_KEYS);
    Optional<String> pathPrefix = elements.text(where, route, "path-prefix");
    if (pathPrefix.isEmpty() && problems.size() == before) {
      problems.add(
          where
              + ".path-prefix: not set (expected: a path starting with /, e.g. /v2.1/agents/ or "
              + "/v*/agents)"
              + suffix(element.origin()));
    }
    Set<String> methods = methods(where, route);
    Optional<URI> backend =
        elements
            .text(where, route, "backend")
            .flatMap(text -> uri(where + ".backend", text, route.get("backend")));
    Optional<TlsSettings.ClientAuth> clientAuth =
        elements
            .text(where, route, "client-auth")
            .flatMap(text -> clientAuth(where + ".client-auth", text, route.get("client-auth")));
    Optional<List<AccessRule>> allow =
        elements
            .section(where, route, "access", "{ allow = [ ... ] }")
            .flatMap(
                access -> {
                  elements.unknownKeys(where, access, "access.", ROUTE_KEYS);
                  return elements
                      .list(where + ".access.allow", access.get("allow"))
                      .map(l -> elements.rules(where + ".access.allow", l));
                });
    Optional<Duration> connectTimeout = duration(where, route, "connect-timeout");
    Optional<Duration> responseTimeout = duration(where, route, "response-timeout");
    Optional<BackendTlsSettings> tls =
        elements
            .section(where, route, "tls", "{ trusted-cas = \"registrar-ca.pem\" }")
            .flatMap(section -> backendTls(where, section));
    if (problems.size() > before) {
      // Each problem of this route is reported; building it anyway would only add echoes of them.
      return Optional.empty();
    }
    try {
      return Optional.of(
          new RouteSettings(
              pathPrefix.get(),
              methods,
              backend,
              clientAuth,
              allow,
              connectTimeout,
              responseTimeout,
              tls));
    } catch (IllegalArgumentException e) {
      elements.recordProblem(where, route, e);
      return Optional.empty();
    }
  }

  private Optional<BackendTlsSettings> backendTls(String where, ConfigObject section) {
    elements.unknownKeys(where, section, "tls.", ROUTE_KEYS);
    Optional<Path> chain = filePath(where, section, "tls.certificate-chain");
    Optional<Path> key = filePath(where, section, "tls.private-key");
    Optional<Path> trustedCas = filePath(where, section, "tls.trusted-cas");
    Optional<String> serverName = elements.text(where + ".tls", section, "server-name");
    if (trustedCas.isEmpty()) {
      problems.add(
          where
              + ".tls.trusted-cas: not set (expected: the PEM file of the CA that issued the backend's "
              + "certificate; for a Keylime registrar, its CA certificate, e.g. /var/lib/keylime/cv_ca/cacert.crt)"
              + suffix(section.origin()));
      return Optional.empty();
    }
    try {
      return Optional.of(new BackendTlsSettings(chain, key, trustedCas.get(), serverName));
    } catch (IllegalArgumentException e) {
      elements.recordProblem(where, section, e);
      return Optional.empty();
    }
  }

  private Set<String> methods(String where, ConfigObject route) {
    ConfigValue value = route.get("methods");
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Set.of();
    }
    Set<String> methods = new LinkedHashSet<>();
    boolean strings = value.valueType() == ConfigValueType.LIST;
    if (strings) {
      for (ConfigValue method : (ConfigList) value) {
        strings &= method.valueType() == ConfigValueType.STRING;
        methods.add(String.valueOf(method.unwrapped()).trim().toUpperCase(Locale.ROOT));
      }
    }
    if (!strings || methods.isEmpty()) {
      problems.add(
          where
              + ".methods: "
              + value.render(CONCISE)
              + " (expected: a non-empty list such as "
              + "[GET, DELETE]; leave methods out for all of them)"
              + suffix(value.origin()));
      return Set.of();
    }
    return methods;
  }

  private Optional<URI> uri(String where, String text, ConfigValue value) {
    try {
      return Optional.of(new URI(text));
    } catch (URISyntaxException e) {
      problems.add(
          where
              + ": \""
              + text
              + "\" (expected: a URL such as http://127.0.0.1:8890 or "
              + "https://127.0.0.1:8891)"
              + suffix(value.origin()));
      return Optional.empty();
    }
  }

  private Optional<TlsSettings.ClientAuth> clientAuth(
      String where, String text, ConfigValue value) {
    try {
      return Optional.of(TlsSettings.ClientAuth.valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      problems.add(
          where + ": \"" + text + "\" (expected: require or optional)" + suffix(value.origin()));
      return Optional.empty();
    }
  }

  private Optional<Duration> duration(String where, ConfigObject route, String field) {
    ConfigValue value = route.get(field);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return Optional.empty();
    }
    try {
      return Optional.of(route.toConfig().getDuration(field));
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(
          where
              + "."
              + field
              + ": "
              + value.render(CONCISE)
              + " (expected: a duration such as 2s, 500ms "
              + "or 1m)"
              + suffix(value.origin()));
      return Optional.empty();
    }
  }

  /**
   * A path in a route's {@code tls}, resolved like the other TLS paths (against the config file's
   * directory).
   */
  private Optional<Path> filePath(String where, ConfigObject tls, String relative) {
    String field = relative.substring(relative.indexOf('.') + 1);
    return elements
        .text(where + ".tls", tls, field)
        .filter(text -> !text.isEmpty())
        .map(text -> elements.path(text, tls.get(field).origin()));
  }
}
