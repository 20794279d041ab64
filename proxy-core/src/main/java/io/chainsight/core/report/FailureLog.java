package io.chainsight.core.report;

import io.chainsight.core.diagnose.Cause;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.Failure;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a failure reads in the log. Text: a headline with the id, client, reason and certificate,
 * then why, the fix, the OpenSSL equivalent and the presented chain on indented lines. The same
 * facts go out as key-value pairs, which {@code log.format = json} turns into fields with these
 * stable names.
 */
final class FailureLog {
  private FailureLog() {}

  static String text(HandshakeFailure failure) {
    ChainDiagnosis d = failure.diagnosis();
    Failure f = d.failure().orElseThrow();
    boolean backend = failure.hop() == HandshakeFailure.Hop.BACKEND;
    StringBuilder line =
        new StringBuilder(
                backend
                    ? "TLS handshake with backend failed ["
                    : failure.stage() == HandshakeFailure.Stage.HANDSHAKE
                        ? "TLS handshake failed ["
                        : "request refused [")
            .append(failure.id())
            .append(backend ? "] backend=" + failure.backend().orElseThrow() : "] client=")
            .append(backend ? "" : failure.peerText());
    failure.serverName().ifPresent(sni -> line.append(" sni=").append(sni));
    failure.protocol().ifPresent(p -> line.append(' ').append(p));
    failure.cipher().ifPresent(c -> line.append(' ').append(c));
    line.append(':');
    line.append(" ").append(f.reason().name());
    d.receivedAlert()
        .ifPresent(
            a ->
                line.append(backend ? " (backend sent alert " : " (client sent alert ")
                    .append(a.alertName())
                    .append(')'));
    f.step().ifPresent(step -> line.append(" at step ").append(step));
    d.failingStep().ifPresent(step -> line.append(" (").append(step.check().title()).append(')'));
    f.certificate().ifPresent(c -> line.append(", certificate ").append(c.shortName()));
    line.append("\n  why: ").append(f.explanation());
    line.append("\n  fix: ").append(f.fix());
    f.openssl()
        .ifPresent(
            o ->
                line.append(
                        backend && d.receivedAlert().isPresent()
                            ? "\n  openssl: an OpenSSL backend reports error "
                            : "\n  openssl: a C client reports error ")
                    .append(o));
    for (Cause cause : d.causes()) {
      line.append("\n  ")
          .append(cause.likelihood().name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .append(": ");
      cause.openssl().ifPresent(o -> line.append("[OpenSSL ").append(o).append("] "));
      line.append(cause.cause()).append(" Fix: ").append(cause.fix());
    }
    line.append("\n  chain: ").append(d.presentedSummary());
    return line.toString();
  }

  /** The stable JSON field names of a handshake failure event. */
  static Map<String, Object> fields(HandshakeFailure failure) {
    ChainDiagnosis d = failure.diagnosis();
    Failure f = d.failure().orElseThrow();
    Map<String, Object> fields = new LinkedHashMap<>();
    boolean handshake = failure.stage() == HandshakeFailure.Stage.HANDSHAKE;
    fields.put("event", handshake ? "handshake_failure" : "request_refused");
    fields.put("hop", failure.hop().label());
    fields.put("failure_id", failure.id());
    if (failure.hop() == HandshakeFailure.Hop.BACKEND) {
      fields.put("backend", failure.backend().orElseThrow());
      fields.put("backend_address", failure.peer().getAddress().getHostAddress());
      fields.put("backend_port", failure.peer().getPort());
    } else {
      fields.put("client_address", failure.peer().getAddress().getHostAddress());
      fields.put("client_port", failure.peer().getPort());
    }
    failure.serverName().ifPresent(v -> fields.put("sni", v));
    failure.protocol().ifPresent(v -> fields.put("tls_version", v));
    failure.cipher().ifPresent(v -> fields.put("tls_cipher", v));
    fields.put("reason", f.reason().name());
    d.receivedAlert().ifPresent(a -> fields.put("alert_received", a.alertName()));
    f.step().ifPresent(step -> fields.put("step", step));
    d.failingStep().ifPresent(step -> fields.put("check", step.check().name()));
    f.certificate().ifPresent(c -> fields.put("certificate", c.shortName()));
    f.certificate().ifPresent(c -> fields.put("certificate_sha256", c.sha256()));
    fields.put("explanation", f.explanation());
    fields.put("fix", f.fix());
    f.openssl().ifPresent(o -> fields.put("openssl_error", o.toString()));
    if (!d.causes().isEmpty()) {
      fields.put(
          "causes",
          d.causes().stream()
              .map(
                  c ->
                      c.openssl().map(o -> "[OpenSSL " + o + "] ").orElse("")
                          + c.cause()
                          + " Fix: "
                          + c.fix())
              .collect(Collectors.toList()));
    }
    fields.put("chain", d.presentedSummary());
    return fields;
  }
}
