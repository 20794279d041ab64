package io.chainsight.core.lint;

import java.util.Objects;

/**
 * One result of {@link ChainLint}: which check, how bad, and a sentence naming the certificate, the
 * evidence and the fix. Checks that pass are findings too (level {@code OK}), so a report shows
 * what was checked.
 *
 * @param check a stable short name: {@code order}, {@code key}, {@code signature}, {@code ca},
 *     {@code path-length}, {@code validity}, {@code purpose}, {@code root}, {@code host}
 */
public record LintFinding(String check, Level level, String message) {
  /** How bad a finding is; {@link #WARNING} and {@link #ERROR} are logged at WARN. */
  public enum Level {
    OK,
    /** Worth knowing, not wrong. */
    INFO,
    /** Works today, will hurt (e.g. expires within 30 days). */
    WARNING,
    /** Some or all clients fail the handshake because of it. */
    ERROR;

    public boolean isProblem() {
      return this == WARNING || this == ERROR;
    }
  }

  public LintFinding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }

  static LintFinding ok(String check, String message) {
    return new LintFinding(check, Level.OK, message);
  }

  static LintFinding info(String check, String message) {
    return new LintFinding(check, Level.INFO, message);
  }

  static LintFinding warning(String check, String message) {
    return new LintFinding(check, Level.WARNING, message);
  }

  static LintFinding error(String check, String message) {
    return new LintFinding(check, Level.ERROR, message);
  }
}
