package io.chainsight.core.demo;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One answer in the registrar's envelope, {@code {"code": 200, "status": "Success", "results":
 * {...}}}. Results hold strings, lists of strings, nested maps or null, rendered as JSON in
 * insertion order.
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
    StringBuilder json = new StringBuilder();
    json.append("{\"code\": ").append(code).append(", \"status\": ");
    appendValue(json, status);
    json.append(", \"results\": ");
    appendValue(json, results);
    return json.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void appendValue(StringBuilder json, Object value) {
    if (value == null) {
      json.append("null");
    } else if (value instanceof Map) {
      json.append('{');
      Iterator<? extends Map.Entry<?, ?>> entries = ((Map<?, ?>) value).entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> entry = entries.next();
        appendValue(json, String.valueOf(entry.getKey()));
        json.append(": ");
        appendValue(json, entry.getValue());
        json.append(entries.hasNext() ? ", " : "");
      }
      json.append('}');
    } else if (value instanceof List) {
      json.append('[');
      Iterator<?> items = ((List<?>) value).iterator();
      while (items.hasNext()) {
        appendValue(json, items.next());
        json.append(items.hasNext() ? ", " : "");
      }
      json.append(']');
    } else {
      appendString(json, value.toString());
    }
  }

  private static void appendString(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
