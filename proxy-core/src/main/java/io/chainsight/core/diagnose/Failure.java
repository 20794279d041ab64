package io.chainsight.core.diagnose;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Why verification failed: the first failing step, in words an operator can act on.
 *
 * @param step the failing step's number; empty when the failure is not tied to a step (the client
 *     rejected our chain, a handshake that never got to certificates)
 * @param certificate the certificate at fault, when one is
 * @param explanation one sentence with the evidence: names, key identifiers, dates
 * @param fix what to change, naming the certificate or setting
 * @param openssl the error a C client (curl, nginx, the Rust agent) reports for the same case
 * @param alert the alert an OpenSSL peer sends for it (or, for {@code CLIENT_REJECTED_OUR_CHAIN},
 *     the one received)
 */
public record Failure(
    ReasonCode reason,
    OptionalInt step,
    Optional<CertificateRef> certificate,
    String explanation,
    String fix,
    Optional<OpenSslError> openssl,
    Optional<TlsAlert> alert) {

  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(fix, "fix");
    Objects.requireNonNull(openssl, "openssl");
    Objects.requireNonNull(alert, "alert");
  }
}
