package io.chainsight.core.config;

import java.time.Duration;

/** The value checks the settings records share, with messages in the house form. */
final class Checks {
  private Checks() {}

  static void notBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          key + ": \"" + (value == null ? "" : value) + "\" (expected: a non-empty value)");
    }
  }

  static void port(String key, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": " + port + " (expected: 0-65535)");
    }
  }

  static void positive(String key, Duration duration) {
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(key + ": " + duration + " (expected: > 0, e.g. 10s)");
    }
  }

  static void notNegative(String key, Duration duration) {
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(key + ": " + duration + " (expected: >= 0, e.g. 60s)");
    }
  }

  static void atLeast(String key, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: >= " + minimum + ")");
    }
  }
}
