package io.chainsight.cli.command;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Times given on the command line: an instant, a date-time with offset, or a date (midnight UTC).
 */
final class Times {
  private Times() {}

  static Instant parse(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException notOffset) {
        try {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
          throw new IllegalArgumentException(
              option
                  + ": \""
                  + text
                  + "\" is not a time (expected: ISO-8601 such as "
                  + "2026-05-01T12:00:00Z, 2026-05-01T14:00:00+02:00 or 2026-05-01)");
        }
      }
    }
  }
}
