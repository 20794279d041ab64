package io.chainsight.core.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes of the Keylime registrar's plain-HTTP port an agent uses, answered the way the
 * registrar answers them, minus the TPM work: registration returns a random blob instead of a
 * credential encrypted to the agent's EK, and nothing is stored. Pure: a method, a path and a body
 * in, a {@link RegistrarReply} out.
 */
final class RegistrarApi {
  static final String CURRENT_VERSION = "2.5";
  static final List<String> SUPPORTED_VERSIONS =
      List.of("1.0", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "3.0");

  // Agents address the v1/v2 API as /v2.5/... (the registrar also accepts the major version alone).
  private static final String V2 = "/v(?:1\\.0|2(?:\\.\\d+)?)";
  private static final String V3 = "/v3(?:\\.0)?";
  private static final String ID = "([^/]+)";

  private static final List<Route> ROUTES =
      List.of(
          new Route(Pattern.compile("/version"), "GET", RegistrarApi::version),
          new Route(Pattern.compile(V2 + "/agents/" + ID), "POST", RegistrarApi::register),
          new Route(Pattern.compile(V2 + "/agents/" + ID), "PUT", RegistrarApi::empty),
          new Route(
              Pattern.compile(V2 + "/agents/" + ID + "/activate"), "PUT", RegistrarApi::empty),
          new Route(Pattern.compile(V3 + "/agents"), "POST", RegistrarApi::register),
          new Route(
              Pattern.compile(V3 + "/agents/" + ID + "/activate"), "POST", RegistrarApi::empty));

  private static final String ROUTE_LIST =
      "GET /version, POST|PUT /v2.x/agents/{uuid}, "
          + "PUT /v2.x/agents/{uuid}/activate, POST /v3.0/agents, POST /v3.0/agents/{id}/activate";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistrarApi() {}

  /**
   * @param path the request path without the query
   * @param clientSubject the client identity chainsight forwarded, echoed in the results of a
   *     success
   */
  static RegistrarReply handle(
      String method, String path, byte[] body, Optional<String> clientSubject) {
    List<String> allowed = new ArrayList<>();
    for (Route route : ROUTES) {
      Matcher matcher = route.path().matcher(path);
      if (matcher.matches()) {
        if (route.method().equals(method)) {
          RegistrarReply reply = route.handler().answer(body);
          // Errors keep the registrar's empty results; successes show who chainsight said the
          // client is.
          return reply.code() == 200
              ? reply.withResult("forwarded_client_subject", clientSubject.orElse(null))
              : reply;
        }
        allowed.add(route.method());
      }
    }
    if (!allowed.isEmpty()) {
      String allow = String.join(", ", allowed);
      return new RegistrarReply(
          405,
          "Method Not Allowed: " + method + " " + path + " (expected: " + allow + ")",
          Map.of(),
          Optional.of(allow));
    }
    return RegistrarReply.error(
        404,
        "Not Found: "
            + path
            + " is not a route of the registrar stand-in "
            + "(expected one of: "
            + ROUTE_LIST
            + ")");
  }

  private static RegistrarReply version(byte[] body) {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("current_version", CURRENT_VERSION);
    results.put("supported_versions", SUPPORTED_VERSIONS);
    return RegistrarReply.success(results);
  }

  /**
   * The registrar answers a registration with the credential the agent must decrypt with its TPM.
   */
  private static RegistrarReply register(byte[] body) {
    if (!isJsonObject(body)) {
      return RegistrarReply.error(
          400,
          "Bad Request: the registration body is not a JSON object (expected: "
              + "{\"ek_tpm\": ..., \"aik_tpm\": ..., ...} as a Keylime agent sends)");
    }
    byte[] blob = new byte[32];
    RANDOM.nextBytes(blob);
    return RegistrarReply.success(Map.of("blob", Base64.getEncoder().encodeToString(blob)));
  }

  private static boolean isJsonObject(byte[] body) {
    try {
      return JSON.readTree(body) instanceof ObjectNode;
    } catch (IOException e) {
      return false;
    }
  }

  private static RegistrarReply empty(byte[] body) {
    return RegistrarReply.success(Map.of());
  }

  private record Route(Pattern path, String method, Handler handler) {}

  @FunctionalInterface
  private interface Handler {
    RegistrarReply answer(byte[] body);
  }
}
