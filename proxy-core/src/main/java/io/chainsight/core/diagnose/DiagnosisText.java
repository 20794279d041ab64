package io.chainsight.core.diagnose;

/**
 * A {@link ChainDiagnosis} as a readable report: the chain, the numbered steps, the failure,
 * remarks.
 */
public final class DiagnosisText {
  private static final String INDENT = "  ";

  private DiagnosisText() {}

  public static String render(ChainDiagnosis d) {
    StringBuilder out = new StringBuilder();
    headline(out, d);
    out.append('\n');
    out.append("Presented chain (")
        .append(Wording.plural(d.presented().size(), "certificate"))
        .append("):\n");
    if (d.presented().isEmpty()) {
      out.append(INDENT).append("(none)\n");
    }
    for (CertificateRef c : d.presented()) {
      out.append(INDENT).append(c.shortName()).append('\n');
      details(out, c);
    }
    if (!d.steps().isEmpty()) {
      out.append('\n').append("Steps:\n");
      int width = String.valueOf(d.steps().size()).length();
      for (Step step : d.steps()) {
        out.append(INDENT)
            .append(
                String.format(
                    "%" + width + "d. %-4s %-19s ",
                    step.number(),
                    step.passed() ? "ok" : "FAIL",
                    step.check().title()));
        step.certificate().ifPresent(c -> out.append(c.shortName()).append(": "));
        out.append(step.detail()).append('\n');
      }
    }
    d.failure().ifPresent(f -> failure(out, d, f));
    if (!d.causes().isEmpty()) {
      out.append('\n').append("What the alert can mean, most likely first:\n");
      for (Cause cause : d.causes()) {
        out.append(INDENT)
            .append("- [")
            .append(cause.likelihood().name().replace('_', ' ').toLowerCase())
            .append("] ");
        cause.openssl().ifPresent(o -> out.append("OpenSSL error ").append(o).append(": "));
        out.append(cause.cause()).append('\n');
        out.append(INDENT).append(INDENT).append("Fix: ").append(cause.fix()).append('\n');
      }
    }
    if (!d.remarks().isEmpty()) {
      out.append('\n').append("Remarks:\n");
      for (String remark : d.remarks()) {
        out.append(INDENT).append("- ").append(remark).append('\n');
      }
    }
    return out.toString();
  }

  private static void headline(StringBuilder out, ChainDiagnosis d) {
    String purpose = d.purpose().map(p -> " for " + p.description()).orElse("");
    String host = d.expectedHost().map(h -> " as " + h).orElse("");
    if (d.valid()) {
      out.append("VALID: the chain verifies")
          .append(purpose)
          .append(host)
          .append(" at ")
          .append(Wording.time(d.checkedAt()))
          .append(".\n");
      return;
    }
    Failure f = d.failure().get();
    out.append("INVALID: ")
        .append(f.reason().name())
        .append(" (")
        .append(f.reason().title())
        .append(')');
    d.receivedAlert().ifPresent(a -> out.append(", alert ").append(a));
    out.append(purpose.isEmpty() ? "" : ",")
        .append(purpose)
        .append(host)
        .append(" at ")
        .append(Wording.time(d.checkedAt()))
        .append(".\n");
  }

  private static void details(StringBuilder out, CertificateRef c) {
    out.append(INDENT)
        .append(INDENT)
        .append("issuer ")
        .append(c.issuer())
        .append(", serial ")
        .append(c.serial())
        .append(", valid ")
        .append(Wording.time(c.notBefore()))
        .append(" to ")
        .append(Wording.time(c.notAfter()))
        .append('\n');
    out.append(INDENT).append(INDENT).append("SHA-256 ").append(c.sha256()).append('\n');
    out.append(INDENT)
        .append(INDENT)
        .append("SKI ")
        .append(c.subjectKeyId().orElse("(none)"))
        .append(", AKI ")
        .append(c.authorityKeyId().orElse("(none)"))
        .append('\n');
  }

  private static void failure(StringBuilder out, ChainDiagnosis d, Failure f) {
    out.append('\n');
    out.append(f.step().isPresent() ? "Failed at step " + f.step().getAsInt() + ": " : "Failure: ")
        .append(f.reason().name())
        .append('\n');
    f.certificate()
        .ifPresent(
            c -> {
              out.append(INDENT).append("Certificate: ").append(c.shortName()).append('\n');
              if (c.source() == CertificateRef.Source.TRUST_ANCHOR) {
                // A trust anchor is not in the presented list above, so show its identity here.
                details(out, c);
              }
            });
    out.append(INDENT).append("Explanation: ").append(f.explanation()).append('\n');
    out.append(INDENT).append("Fix:         ").append(f.fix()).append('\n');
    f.openssl()
        .ifPresent(
            o ->
                out.append(INDENT)
                    .append("OpenSSL:     error ")
                    .append(o)
                    .append(f.alert().map(a -> "; a C client sends alert " + a).orElse(""))
                    .append('\n'));
    if (f.openssl().isEmpty()) {
      f.alert()
          .filter(a -> d.receivedAlert().isEmpty())
          .ifPresent(a -> out.append(INDENT).append("TLS alert:   ").append(a).append('\n'));
    }
  }
}
