package io.chainsight.core.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as an endpoint sees it: the path, the query parameters, the variables of the route's
 * path template ({@code {id}}) and the chosen format.
 */
record AdminRequest(
    String path,
    Map<String, List<String>> query,
    Map<String, String> pathVariables,
    Format format) {
  AdminRequest {
    query = Map.copyOf(query);
    pathVariables = Map.copyOf(pathVariables);
  }

  /** The first value of a query parameter, if given and not blank. */
  Optional<String> param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() || values.get(0).isBlank()
        ? Optional.empty()
        : Optional.of(values.get(0).strip());
  }

  String pathVariable(String name) {
    return pathVariables.get(name);
  }

  boolean wantsText() {
    return format == Format.TEXT;
  }
}
