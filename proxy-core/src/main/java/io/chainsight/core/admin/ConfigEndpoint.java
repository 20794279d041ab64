package io.chainsight.core.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /config}: the effective configuration, key by key, with each value's origin, secrets
 * redacted; and which generation it is (1 at start, one more per reload that changed something) and
 * when it was loaded.
 */
final class ConfigEndpoint {
  private final Supplier<ConfigGeneration> current;

  ConfigEndpoint(Supplier<ConfigGeneration> current) {
    this.current = current;
  }

  AdminResponse handle(AdminRequest request) {
    ConfigGeneration generation = current.get();
    List<ConfigView.Entry> entries = generation.view().entries();
    List<Object> listed = new ArrayList<>();
    int width =
        entries.stream().mapToInt(e -> e.key().length() + e.value().length()).max().orElse(0) + 3;
    StringBuilder text =
        new StringBuilder("effective configuration (below chainsight), generation ")
            .append(generation.number())
            .append(" loaded at ")
            .append(generation.loadedAt())
            .append(", with origins:\n");
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
    json.put("generation", generation.number());
    json.put("loadedAt", generation.loadedAt().toString());
    json.put("entries", listed);
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }
}
