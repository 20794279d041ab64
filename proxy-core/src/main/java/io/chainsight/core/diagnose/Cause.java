package io.chainsight.core.diagnose;

import java.util.Objects;
import java.util.Optional;

/**
 * One possible reason why the client rejected the chain we sent, reasoned from the alert and our
 * certificates.
 *
 * @param openssl the OpenSSL error the client would have printed, when the cause is one
 * @param cause the client-side cause in terms of our certificates
 * @param fix what to change, and where
 */
public record Cause(
    Optional<OpenSslError> openssl, Likelihood likelihood, String cause, String fix) {

  /** How far our own chain supports a cause. Causes are listed in this order. */
  public enum Likelihood {
    /** Our chain shows the defect: it fails this check from here too. */
    CONFIRMED,
    /** The evidence points here (the chain's shape, the name the client asked for). */
    LIKELY,
    /** Depends on the client's setup, which we cannot see. */
    POSSIBLE,
    /** Our chain passes this check, so it is not the reason. */
    RULED_OUT
  }

  public Cause {
    Objects.requireNonNull(openssl, "openssl");
    Objects.requireNonNull(likelihood, "likelihood");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(fix, "fix");
  }
}
