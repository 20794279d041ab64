package io.chainsight.core.admin;

import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code /debug/handshakes} (newest first; {@code ?reason=}, {@code ?client=}, {@code ?hop=},
 * {@code ?limit=}) and {@code /debug/handshakes/{id}}: the recent failed handshakes, the listener's
 * and the backend hop's, each with its full diagnosis.
 */
final class HandshakesEndpoint {
  private final HandshakeFailures failures;

  HandshakesEndpoint(HandshakeFailures failures) {
    this.failures = failures;
  }

  AdminResponse list(AdminRequest request) {
    Optional<String> reason = request.param("reason");
    Optional<String> client = request.param("client");
    Optional<String> hop = request.param("hop");
    if (hop.isPresent() && !hop.get().equals("listener") && !hop.get().equals("backend")) {
      return AdminResponse.error(
          request.format(),
          HttpResponseStatus.BAD_REQUEST,
          "hop: \"" + hop.get() + "\" (expected: listener or backend)");
    }
    Optional<String> limitParam = request.param("limit");
    int limit = Integer.MAX_VALUE;
    if (limitParam.isPresent()) {
      try {
        limit = Integer.parseInt(limitParam.get());
      } catch (NumberFormatException e) {
        limit = 0;
      }
      if (limit < 1) {
        return AdminResponse.error(
            request.format(),
            HttpResponseStatus.BAD_REQUEST,
            "limit: \"" + limitParam.get() + "\" (expected: a whole number >= 1)");
      }
    }
    List<HandshakeFailures.FailureView> shown =
        failures.recent().stream()
            .filter(f -> reason.isEmpty() || f.reason().equalsIgnoreCase(reason.get()))
            .filter(f -> hop.isEmpty() || f.hop().equals(hop.get()))
            .filter(
                f ->
                    client.isEmpty()
                        || (f.hop().equals("listener") && clientMatches(f.peer(), client.get())))
            .limit(limit)
            .collect(Collectors.toList());

    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> filters = new LinkedHashMap<>();
    filters.put("reason", reason.orElse(null));
    filters.put("client", client.orElse(null));
    filters.put("limit", limitParam.isPresent() ? limit : null);
    filters.put("hop", hop.orElse(null));
    json.put("filters", filters);
    json.put("count", shown.size());
    List<Object> listed = new ArrayList<>();
    shown.forEach(failure -> listed.add(json(failure)));
    json.put("failures", listed);

    StringBuilder text = new StringBuilder();
    text.append(shown.size())
        .append(shown.size() == 1 ? " recent handshake failure" : " recent handshake failures")
        .append(describe(reason, client, hop, limitParam))
        .append(shown.isEmpty() ? "\n" : ", newest first\n");
    for (HandshakeFailures.FailureView failure : shown) {
      text.append('\n');
      text(text, failure);
    }
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }

  AdminResponse one(AdminRequest request) {
    String id = request.pathVariable("id");
    Optional<HandshakeFailures.FailureView> failure = failures.byId(id);
    if (failure.isEmpty()) {
      return AdminResponse.error(
          request.format(),
          HttpResponseStatus.NOT_FOUND,
          "no recent handshake failure "
              + "with id "
              + id
              + " (only the most recent failures are kept, see diagnostics.recent; "
              + "GET /debug/handshakes lists them)");
    }
    StringBuilder text = new StringBuilder();
    text(text, failure.get());
    return AdminResponse.of(request, HttpResponseStatus.OK, json(failure.get()), text.toString());
  }

  private static Map<String, Object> json(HandshakeFailures.FailureView failure) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", failure.id());
    json.put("time", failure.time().toString());
    json.put(failure.hop().equals("backend") ? "backend" : "client", failure.peer());
    json.put("reason", failure.reason());
    json.put("hop", failure.hop());
    json.put("diagnosis", new RawValue(failure.json()));
    return json;
  }

  private static void text(StringBuilder out, HandshakeFailures.FailureView failure) {
    out.append(failure.id())
        .append("  ")
        .append(failure.time().truncatedTo(ChronoUnit.MILLIS))
        .append(failure.hop().equals("backend") ? "  backend " : "  client ")
        .append(failure.peer())
        .append("  ")
        .append(failure.reason())
        .append('\n');
    failure
        .text()
        .lines()
        .forEach(line -> out.append(line.isBlank() ? "" : "  " + line).append('\n'));
  }

  private static String describe(
      Optional<String> reason,
      Optional<String> client,
      Optional<String> hop,
      Optional<String> limit) {
    List<String> parts = new ArrayList<>();
    hop.ifPresent(h -> parts.add("hop " + h));
    reason.ifPresent(r -> parts.add("reason " + r.toUpperCase(Locale.ROOT)));
    client.ifPresent(c -> parts.add("client " + c));
    limit.ifPresent(l -> parts.add("at most " + l));
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  /**
   * The whole address, or its host part alone: {@code ?client=10.0.0.5} matches {@code
   * 10.0.0.5:51234}.
   */
  static boolean clientMatches(String client, String wanted) {
    String address = client.startsWith("/") ? client.substring(1) : client;
    if (address.equals(wanted)) {
      return true;
    }
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return false;
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.equals(wanted) || ("[" + host + "]").equals(wanted);
  }
}
