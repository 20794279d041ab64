package io.chainsight.core.admin;

import java.util.List;
import java.util.Objects;

/**
 * The effective configuration as {@code /config} shows it: every key, its value and where the value
 * came from, secrets already redacted. The config loader provides the real origins; {@link
 * RecordConfigView} renders the settings records when nothing better is wired.
 */
@FunctionalInterface
public interface ConfigView {
  /**
   * @param key the path below {@code chainsight}, e.g. {@code tls.client-auth}
   * @param value the value as HOCON, or a redaction marker
   * @param origin {@code FILE:LINE}, {@code environment variable NAME}, {@code default}, ... or
   *     {@code unknown}
   */
  record Entry(String key, String value, String origin) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(origin, "origin");
    }
  }

  List<Entry> entries();
}
