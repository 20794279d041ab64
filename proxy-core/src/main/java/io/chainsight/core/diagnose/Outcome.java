package io.chainsight.core.diagnose;

/**
 * What one check found: a pass with its evidence, or a failure with reason, evidence, fix and the
 * OpenSSL error. Internal to the analyzer; it becomes a {@link Step} (and a {@link Failure}).
 */
record Outcome(boolean passed, String detail, ReasonCode reason, OpenSslError openssl, String fix) {

  static Outcome pass(String detail) {
    return new Outcome(true, detail, null, null, null);
  }

  static Outcome fail(ReasonCode reason, OpenSslError openssl, String explanation, String fix) {
    return new Outcome(false, explanation, reason, openssl, fix);
  }
}
