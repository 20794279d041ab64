package io.chainsight.core.diagnose;

import java.util.Objects;
import java.util.Optional;

/**
 * One check of path building, in the order it ran.
 *
 * @param number 1-based position among the steps
 * @param certificate the certificate checked (empty for checks of the chain as a whole)
 * @param detail the evidence: what was found, in one line
 */
public record Step(
    int number, Optional<CertificateRef> certificate, Check check, Verdict verdict, String detail) {

  /** What a step checks. */
  public enum Check {
    CERTIFICATE_PRESENTED("certificate presented"),
    CHAIN_LENGTH("chain length"),
    VALIDITY("validity period"),
    CRITICAL_EXTENSIONS("critical extensions"),
    KEY_STRENGTH("key strength"),
    PURPOSE("purpose"),
    ISSUER_LOOKUP("issuer lookup"),
    SIGNATURE("signature"),
    CA_CONSTRAINTS("CA constraints"),
    REVOCATION("revocation"),
    TRUST_ANCHOR("trust anchor"),
    HOST_NAME("host name");

    private final String title;

    Check(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** The outcome of a step. */
  public enum Verdict {
    PASS,
    FAIL
  }

  public Step {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(detail, "detail");
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }
}
