package io.chainsight.core.config;

import java.util.List;
import java.util.Objects;

/**
 * The loaded configuration together with every key's effective value and where it came from, for
 * {@code check-config} and the admin {@code /config} endpoint. Secrets are already redacted in the
 * entries.
 */
public record EffectiveConfig(ChainsightConfig config, List<Entry> entries) {
  /** What a secret's value is replaced with. */
  public static final String REDACTED = "<redacted>";

  /** What a key without a value shows. */
  public static final String NOT_SET = "<not set>";

  /**
   * One key (its path below {@code chainsight}), its value as HOCON, and its origin: {@code
   * FILE:LINE}, {@code environment variable NAME}, {@code command-line option} or {@code default}.
   */
  public record Entry(String key, String value, String origin) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(origin, "origin");
    }
  }

  public EffectiveConfig {
    Objects.requireNonNull(config, "config");
    entries = List.copyOf(entries);
  }

  /** One line per key, {@code key = value}, followed by {@code # origin} when asked. */
  public String render(boolean withOrigins) {
    StringBuilder out = new StringBuilder();
    for (Entry entry : entries) {
      out.append(entry.key()).append(" = ").append(entry.value());
      if (withOrigins) {
        out.append("  # ").append(entry.origin());
      }
      out.append('\n');
    }
    return out.toString();
  }
}
