package io.chainsight.core.config;

/** {@code chainsight.log}: text or one JSON object per line; the access log on or off. */
public record LogSettings(Format format, boolean access) {
  public enum Format {
    TEXT,
    JSON
  }

  public LogSettings {
    java.util.Objects.requireNonNull(format, "log.format");
  }
}
