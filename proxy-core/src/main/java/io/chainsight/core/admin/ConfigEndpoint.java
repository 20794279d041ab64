package io.chainsight.core.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /config}: the effective configuration, key by key, with each value's origin; secrets
 * redacted.
 */
final class ConfigEndpoint {
  private final ConfigView config;

  ConfigEndpoint(ConfigView config) {
    this.config = config;
  }

  AdminResponse handle(AdminRequest request) {
    List<ConfigView.Entry> entries = config.entries();
    List<Object> listed = new ArrayList<>();
    int width =
        entries.stream().mapToInt(e -> e.key().length() + e.value().length()).max().orElse(0) + 3;
    StringBuilder text =
        new StringBuilder("effective configuration (below chainsight), with origins:\n");
    for (ConfigView.Entry entry : entries) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("key", entry.key());
      json.put("value", entry.value());
      json.put("origin", entry.origin());
      listed.add(json);
      String line = entry.key() + " = " + entry.value();
      text.append(String.format("  %-" + width + "s # %s%n", line, entry.origin()));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("entries", listed);
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }
}
