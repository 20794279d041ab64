package io.chainsight.core.config;

import com.typesafe.config.ConfigOrigin;
import java.nio.file.Path;

/** Where a value came from, as a problem message or {@code check-config} shows it. */
final class Origins {
  private Origins() {}

  /**
   * Where a value came from: {@code FILE:LINE}, {@code environment variable NAME}, {@code
   * command-line option} or {@code default}.
   */
  static String where(ConfigOrigin origin) {
    if (origin.resource() != null) {
      return "default";
    }
    if (origin.filename() != null) {
      return origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return origin.description();
  }

  static String where(ConfigOrigin origin, Path file) {
    return origin == null ? file.toString() : where(origin);
  }

  /**
   * What a problem message ends with: {@code , at FILE:LINE} or {@code , from environment variable
   * NAME}.
   */
  static String suffix(ConfigOrigin origin) {
    if (origin.resource() != null) {
      return "";
    }
    return (origin.filename() != null ? ", at " : ", from ") + where(origin);
  }

  /** The message of a Typesafe exception without the origin it starts with (we print our own). */
  static String detail(com.typesafe.config.ConfigException e) {
    String message = e.getMessage();
    if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
      return message.substring(e.origin().description().length() + 2);
    }
    return message;
  }
}
