package io.chainsight.core.admin;

import io.chainsight.core.config.ChainsightConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * The configuration the proxy serves now, as the admin endpoint reads it on every request: its
 * generation number (1 at start, one more for each reload that changed something), when it was
 * loaded, the settings and the {@code /config} view of them.
 */
public record ConfigGeneration(
    long number, Instant loadedAt, ChainsightConfig config, ConfigView view) {
  public ConfigGeneration {
    Objects.requireNonNull(loadedAt, "loadedAt");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(view, "view");
  }
}
