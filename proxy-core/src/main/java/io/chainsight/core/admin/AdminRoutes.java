package io.chainsight.core.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The table of endpoints: which method and path go where. Unknown paths get a 404 that lists the
 * table, a known path with the wrong method a 405 with {@code Allow}, an unknown {@code ?format=} a
 * 400.
 */
final class AdminRoutes {
  /**
   * One endpoint. A path segment {@code {name}} matches any one segment, handed to the endpoint by
   * that name.
   *
   * @param defaultFormat the format without {@code ?format=}: JSON, except for /metrics (Prometheus
   *     scrapes text)
   */
  record Route(
      HttpMethod method, String path, String description, Format defaultFormat, Endpoint endpoint) {
    Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(endpoint, "endpoint");
    }

    Optional<Map<String, String>> match(String requestPath) {
      String[] template = path.substring(1).split("/", -1);
      String[] actual = requestPath.substring(1).split("/", -1);
      if (template.length != actual.length) {
        return Optional.empty();
      }
      Map<String, String> variables = new HashMap<>();
      for (int i = 0; i < template.length; i++) {
        if (template[i].startsWith("{") && template[i].endsWith("}")) {
          if (actual[i].isEmpty()) {
            return Optional.empty();
          }
          variables.put(template[i].substring(1, template[i].length() - 1), actual[i]);
        } else if (!template[i].equals(actual[i])) {
          return Optional.empty();
        }
      }
      return Optional.of(variables);
    }
  }

  private final List<Route> routes;

  AdminRoutes(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  List<Route> routes() {
    return routes;
  }

  AdminResponse dispatch(HttpMethod method, String rawPath, Map<String, List<String>> query) {
    String path =
        rawPath.length() > 1 && rawPath.endsWith("/")
            ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
    List<String> formatParam = query.getOrDefault("format", List.of());
    Optional<Format> asked =
        formatParam.isEmpty() ? Optional.empty() : Format.parse(formatParam.get(0));
    Format errorFormat = asked.orElse(Format.JSON);

    List<Route> onPath = new ArrayList<>();
    for (Route route : routes) {
      if (route.match(path).isPresent()) {
        onPath.add(route);
      }
    }
    if (onPath.isEmpty()) {
      return notFound(path, errorFormat);
    }
    Route route = onPath.stream().filter(r -> r.method().equals(method)).findFirst().orElse(null);
    if (route == null) {
      String allowed =
          onPath.stream().map(r -> r.method().name()).distinct().collect(Collectors.joining(", "));
      return AdminResponse.error(
              errorFormat,
              HttpResponseStatus.METHOD_NOT_ALLOWED,
              "method " + method + " is not allowed on " + path + " (expected: " + allowed + ")")
          .withHeader(HttpHeaderNames.ALLOW.toString(), allowed);
    }
    if (!formatParam.isEmpty() && asked.isEmpty()) {
      return AdminResponse.error(
          Format.JSON,
          HttpResponseStatus.BAD_REQUEST,
          "format: \"" + formatParam.get(0) + "\" is not a format (expected: json or text)");
    }
    Format format = asked.orElse(route.defaultFormat());
    return route.endpoint().handle(new AdminRequest(path, query, route.match(path).get(), format));
  }

  private AdminResponse notFound(String path, Format format) {
    String error = "no endpoint at " + path;
    List<Object> listed = new ArrayList<>();
    StringBuilder text =
        new StringBuilder("404 ")
            .append(error)
            .append("\n\nendpoints (JSON by default, readable text with ?format=text):\n");
    for (Route route : routes) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("method", route.method().name());
      entry.put("path", route.path());
      entry.put("description", route.description());
      listed.add(entry);
      text.append(
          String.format("  %-5s %-24s %s%n", route.method(), route.path(), route.description()));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("error", error);
    json.put("endpoints", listed);
    return AdminResponse.of(format, HttpResponseStatus.NOT_FOUND, json, text.toString());
  }
}
