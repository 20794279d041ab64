package io.chainsight.core.admin;

import io.chainsight.core.json.JsonLayout;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an endpoint answers: status, content type, body and extra headers. */
record AdminResponse(
    HttpResponseStatus status, String contentType, String body, Map<String, String> headers) {
  static final String JSON_TYPE = "application/json; charset=utf-8";
  static final String TEXT_TYPE = "text/plain; charset=utf-8";

  AdminResponse {
    headers = Map.copyOf(headers);
  }

  /** The JSON tree or the text, as the request asked; text always ends with a newline, for curl. */
  static AdminResponse of(
      AdminRequest request, HttpResponseStatus status, Object json, String text) {
    return of(request.format(), status, json, text);
  }

  static AdminResponse of(Format format, HttpResponseStatus status, Object json, String text) {
    return format == Format.TEXT
        ? new AdminResponse(status, TEXT_TYPE, text.endsWith("\n") ? text : text + "\n", Map.of())
        : new AdminResponse(status, JSON_TYPE, JsonLayout.INDENTED.write(json) + "\n", Map.of());
  }

  AdminResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new AdminResponse(status, contentType, body, more);
  }

  /** A failure answer: {@code {"error": "..."}} or the sentence alone. */
  static AdminResponse error(Format format, HttpResponseStatus status, String message) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("error", message);
    return of(format, status, json, status.code() + " " + message);
  }
}
