package io.chainsight.core.admin;

import java.util.Locale;
import java.util.Optional;

/** How a response is written, chosen with {@code ?format=}: JSON (the default) or readable text. */
enum Format {
  JSON,
  TEXT;

  static Optional<Format> parse(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "json":
        return Optional.of(JSON);
      case "text":
        return Optional.of(TEXT);
      default:
        return Optional.empty();
    }
  }
}
