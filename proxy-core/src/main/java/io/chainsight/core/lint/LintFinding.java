package io.chainsight.core.lint;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One result of {@link ChainLint}: which check, how bad, and a sentence naming the certificate, the
 * evidence and the fix. Checks that pass are findings too (level {@code OK}), so a report shows
 * what was checked.
 *
 * @param check a stable short name: {@code order}, {@code key}, {@code signature}, {@code ca},
 *     {@code intermediate}, {@code path-length}, {@code validity}, {@code purpose}, {@code root},
 *     {@code host}
 * @param certificate the 1-based position in the served chain of the certificate the finding is
 *     about; empty when it is about the chain as a whole
 */
public record LintFinding(String check, Level level, String message, OptionalInt certificate) {
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
    Objects.requireNonNull(certificate, "certificate");
  }

  /** A finding about the chain as a whole. */
  public LintFinding(String check, Level level, String message) {
    this(check, level, message, OptionalInt.empty());
  }

  static LintFinding ok(String check, String message) {
    return new LintFinding(check, Level.OK, message);
  }

  static LintFinding ok(String check, int certificate, String message) {
    return new LintFinding(check, Level.OK, message, OptionalInt.of(certificate));
  }

  static LintFinding info(String check, String message) {
    return new LintFinding(check, Level.INFO, message);
  }

  static LintFinding info(String check, int certificate, String message) {
    return new LintFinding(check, Level.INFO, message, OptionalInt.of(certificate));
  }

  static LintFinding warning(String check, String message) {
    return new LintFinding(check, Level.WARNING, message);
  }

  static LintFinding warning(String check, int certificate, String message) {
    return new LintFinding(check, Level.WARNING, message, OptionalInt.of(certificate));
  }

  static LintFinding error(String check, String message) {
    return new LintFinding(check, Level.ERROR, message);
  }

  static LintFinding error(String check, int certificate, String message) {
    return new LintFinding(check, Level.ERROR, message, OptionalInt.of(certificate));
  }
}
