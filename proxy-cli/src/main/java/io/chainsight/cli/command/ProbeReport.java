package io.chainsight.cli.command;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chainsight.cli.probe.TlsProbe;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ClientMode;
import io.chainsight.core.diagnose.ClientModes;
import io.chainsight.core.diagnose.DiagnosisJson;
import io.chainsight.core.diagnose.Failure;
import io.chainsight.core.diagnose.Step;
import io.chainsight.core.json.JsonLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** What {@code chainsight probe} found, as text or JSON. */
record ProbeReport(
    String url,
    Instant at,
    TlsProbe.Result connection,
    Path caPath,
    List<X509Certificate> caFile,
    Path osPath,
    Optional<List<X509Certificate>> osStore,
    List<ClientModes.Result> modes,
    Step hostName,
    Optional<List<X509Certificate>> clientChain) {

  boolean allPass() {
    return modes.stream().allMatch(m -> m.diagnosis().valid())
        && (clientChain.isEmpty() || connection.accepted());
  }

  String text() {
    StringBuilder out = new StringBuilder();
    out.append(summary()).append("\n\n");
    out.append("The server presented ")
        .append(connection.serverChain().size())
        .append(connection.serverChain().size() == 1 ? " certificate (" : " certificates (")
        .append(connection.protocol())
        .append(", ")
        .append(connection.cipherSuite())
        .append("):\n");
    for (int i = 0; i < connection.serverChain().size(); i++) {
      X509Certificate c = connection.serverChain().get(i);
      out.append("  [")
          .append(i)
          .append("] ")
          .append(ProbeCommand.describe(c))
          .append("\n      SHA-256 ")
          .append(Certificates.sha256(c))
          .append(", SKI ")
          .append(orNone(Certificates.subjectKeyId(c)))
          .append(", AKI ")
          .append(orNone(Certificates.authorityKeyId(c)))
          .append('\n');
    }
    out.append("\nCA file ")
        .append(caPath)
        .append(" (")
        .append(caFile.size())
        .append(" PEM blocks):\n");
    for (int i = 0; i < caFile.size(); i++) {
      out.append("  block ")
          .append(i + 1)
          .append(": ")
          .append(ProbeCommand.describe(caFile.get(i)))
          .append(", SKI ")
          .append(orNone(Certificates.subjectKeyId(caFile.get(i))))
          .append('\n');
    }
    out.append("OS trust store: ")
        .append(
            osStore
                .map(s -> osPath + " (" + s.size() + " certificates)")
                .orElse("none at " + osPath + " (modes that use it are skipped)"))
        .append("\n\n");
    out.append("Host name: ")
        .append(hostName.passed() ? "ok, " : "FAIL, ")
        .append(hostName.detail())
        .append("\n\n");
    out.append("How clients that load this CA file verify the server:\n");
    for (ClientModes.Result result : modes) {
      ClientMode mode = result.mode();
      ChainDiagnosis d = result.diagnosis();
      out.append("  ")
          .append(String.format("%-5s", ProbeCommand.verdict(d)))
          .append(mode.description())
          .append(" [")
          .append(mode.clients())
          .append("]\n");
      if (d.failure().isPresent()) {
        Failure f = d.failure().get();
        out.append("        ").append(f.reason().name());
        f.step().ifPresent(s -> out.append(" at step ").append(s));
        f.certificate().ifPresent(c -> out.append(" (").append(c.shortName()).append(')'));
        f.openssl().ifPresent(o -> out.append(": OpenSSL error ").append(o));
        out.append('\n');
        out.append("        ").append(f.explanation()).append('\n');
        out.append("        Fix: ").append(f.fix()).append('\n');
      }
    }
    out.append('\n');
    clientCertificate(out);
    if (modes.stream().anyMatch(m -> !m.diagnosis().valid())) {
      out.append(
          "\nEvery step of each mode: --json, or chainsight diagnose --purpose server --host HOST with the "
              + "captured chain.\n");
    }
    return out.toString();
  }

  /**
   * The first line: what failed. The server's chain and our client certificate are judged apart, so
   * a refused client certificate is named as such rather than hidden behind "5 of 5 verify".
   */
  String summary() {
    long passing = modes.stream().filter(m -> m.diagnosis().valid()).count();
    String when = " at " + at.truncatedTo(ChronoUnit.SECONDS);
    String verified = passing + " of " + modes.size() + " client modes verify " + url + when;
    if (clientChain.isEmpty() || connection.accepted()) {
      return (allPass() ? "PASS: " : "FAIL: ") + verified + ".";
    }
    String client = "the client certificate " + Certificates.subject(clientChain.get().get(0));
    if (passing == modes.size()) {
      return "FAIL: "
          + url
          + " rejected "
          + client
          + when
          + "; its own chain verifies in all "
          + modes.size()
          + " client modes.";
    }
    return "FAIL: " + verified + ", and it rejected " + client + ".";
  }

  private void clientCertificate(StringBuilder out) {
    String answer =
        connection
            .alert()
            .map(a -> "the server sent alert " + a)
            .or(() -> connection.httpStatusLine().map(s -> "the server answered " + s))
            .or(connection::error)
            .orElse("no answer");
    if (clientChain.isPresent()) {
      out.append("Client certificate ")
          .append(Certificates.subject(clientChain.get().get(0)))
          .append(": ")
          .append(connection.accepted() ? "accepted, " : "REJECTED, ")
          .append(answer)
          .append(".\n");
      if (!connection.requestedClientIssuers().isEmpty()) {
        out.append("  The server asks for client certificates issued under: ")
            .append(String.join("; ", connection.requestedClientIssuers()))
            .append('\n');
      }
    } else {
      out.append("No client certificate sent (use --cert and --key to test one); ")
          .append(answer)
          .append(".\n");
    }
  }

  String json() {
    return JsonLayout.COMPACT.write(this::json);
  }

  private void json(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("url", url);
    json.writeStringField("checkedAt", at.truncatedTo(ChronoUnit.SECONDS).toString());
    json.writeBooleanField("pass", allPass());
    json.writeStringField("protocol", connection.protocol());
    json.writeStringField("cipherSuite", connection.cipherSuite());
    json.writeObjectFieldStart("caFile");
    json.writeStringField("path", caPath.toString());
    json.writeArrayFieldStart("blocks");
    for (X509Certificate c : caFile) {
      json.writeStartObject();
      json.writeStringField("subject", Certificates.subject(c));
      json.writeStringField("issuer", Certificates.issuer(c));
      json.writeStringField("sha256", Certificates.sha256(c));
      json.writeStringField("subjectKeyId", Certificates.subjectKeyId(c));
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeFieldName("osTrustStore");
    if (osStore.isPresent()) {
      json.writeStartObject();
      json.writeStringField("path", osPath.toString());
      json.writeNumberField("certificates", osStore.get().size());
      json.writeEndObject();
    } else {
      json.writeNull();
    }
    json.writeObjectFieldStart("hostName");
    json.writeStringField("verdict", hostName.verdict().name());
    json.writeStringField("detail", hostName.detail());
    json.writeEndObject();
    json.writeArrayFieldStart("modes");
    for (ClientModes.Result result : modes) {
      json.writeStartObject();
      json.writeStringField("mode", result.mode().name());
      json.writeStringField("description", result.mode().description());
      json.writeStringField("clients", result.mode().clients());
      json.writeBooleanField("valid", result.diagnosis().valid());
      json.writeFieldName("diagnosis");
      DiagnosisJson.write(json, result.diagnosis());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeObjectFieldStart("response");
    json.writeStringField(
        "clientCertificate", clientChain.map(c -> Certificates.subject(c.get(0))).orElse(null));
    json.writeBooleanField("accepted", connection.accepted());
    json.writeFieldName("httpStatus");
    if (connection.httpStatus().isPresent()) {
      json.writeNumber(connection.httpStatus().get());
    } else {
      json.writeNull();
    }
    json.writeStringField("alert", connection.alert().map(a -> a.alertName()).orElse(null));
    json.writeStringField("error", connection.error().orElse(null));
    json.writeArrayFieldStart("requestedClientIssuers");
    for (String issuer : connection.requestedClientIssuers()) {
      json.writeString(issuer);
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeEndObject();
  }

  private static String orNone(String value) {
    return value == null ? "(none)" : value;
  }
}
