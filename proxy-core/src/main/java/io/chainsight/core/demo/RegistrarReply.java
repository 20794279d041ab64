package io.chainsight.core.demo;

import io.chainsight.core.json.JsonLayout;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One answer in the registrar's envelope, {@code {"code": 200, "status": "Success", "results":
 * {...}}}, laid out as the registrar lays it out. Results hold strings, lists of strings, nested
 * maps or null, in insertion order.
 *
 * @param allow the methods the path accepts, sent as {@code Allow} with a 405
 */
record RegistrarReply(
    int code, String status, Map<String, Object> results, Optional<String> allow) {
  RegistrarReply {
    results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
  }

  static RegistrarReply success(Map<String, Object> results) {
    return new RegistrarReply(200, "Success", results, Optional.empty());
  }

  static RegistrarReply error(int code, String status) {
    return new RegistrarReply(code, status, Map.of(), Optional.empty());
  }

  /** The same reply with one more entry in its results. */
  RegistrarReply withResult(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(results);
    more.put(key, value);
    return new RegistrarReply(code, status, more, allow);
  }

  byte[] body() {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("code", code);
    envelope.put("status", status);
    envelope.put("results", results);
    return (JsonLayout.REGISTRAR.write(envelope) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
