package io.chainsight.core.diagnose;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * How evidence is written: times to the second, durations in the largest sensible unit, short name
 * lists.
 */
final class Wording {
  private Wording() {}

  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * {@code 3 days}, {@code 5 hours}, {@code 12 minutes}, {@code 40 seconds}: rounded to the nearest
   * unit.
   */
  static String duration(Duration duration) {
    long seconds = duration.abs().toSeconds();
    if (seconds >= 2 * 86_400 - 43_200) {
      return (seconds + 43_200) / 86_400 + " days";
    }
    if (seconds >= 2 * 3_600 - 1_800) {
      return (seconds + 1_800) / 3_600 + " hours";
    }
    if (seconds >= 2 * 60 - 30) {
      return (seconds + 30) / 60 + " minutes";
    }
    return seconds + (seconds == 1 ? " second" : " seconds");
  }

  /** Up to {@code max} items joined by ", ", then {@code (+N more)}. */
  static String list(List<String> items, int max) {
    if (items.isEmpty()) {
      return "none";
    }
    String shown = String.join(", ", items.subList(0, Math.min(max, items.size())));
    return items.size() > max ? shown + " (+" + (items.size() - max) + " more)" : shown;
  }

  static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
