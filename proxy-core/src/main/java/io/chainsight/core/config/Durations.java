package io.chainsight.core.config;

import java.time.Duration;

/** Durations as the config file writes them: {@code 20s}, {@code 500ms}, {@code 2m}. */
public final class Durations {
  private Durations() {}

  public static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
