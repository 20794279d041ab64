package io.chainsight.cli.command;

import io.chainsight.cli.probe.TlsProbe;
import io.chainsight.core.certs.Certificates;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.diagnose.ClientMode;
import io.chainsight.core.diagnose.ClientModes;
import io.chainsight.core.diagnose.DiagnosisJson;
import io.chainsight.core.diagnose.Failure;
import io.chainsight.core.diagnose.Json;
import io.chainsight.core.diagnose.Step;
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
    long passing = modes.stream().filter(m -> m.diagnosis().valid()).count();
    out.append(allPass() ? "PASS" : "FAIL")
        .append(": ")
        .append(passing)
        .append(" of ")
        .append(modes.size())
        .append(" client modes verify ")
        .append(url)
        .append(" at ")
        .append(at.truncatedTo(ChronoUnit.SECONDS))
        .append(".\n\n");
    out.append("The server presented ")
        .append(connection.serverChain().size())
        .append(" certificates (")
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
    if (!allPass()) {
      out.append(
          "\nEvery step of each mode: --json, or chainsight diagnose --purpose server --host HOST with the "
              + "captured chain.\n");
    }
    return out.toString();
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
    Json json = new Json().beginObject();
    json.name("url").value(url);
    json.name("checkedAt").value(at.truncatedTo(ChronoUnit.SECONDS).toString());
    json.name("pass").value(allPass());
    json.name("protocol").value(connection.protocol());
    json.name("cipherSuite").value(connection.cipherSuite());
    json.name("caFile")
        .beginObject()
        .name("path")
        .value(caPath.toString())
        .name("blocks")
        .beginArray();
    for (X509Certificate c : caFile) {
      json.beginObject()
          .name("subject")
          .value(Certificates.subject(c))
          .name("issuer")
          .value(Certificates.issuer(c))
          .name("sha256")
          .value(Certificates.sha256(c))
          .name("subjectKeyId")
          .value(Certificates.subjectKeyId(c))
          .endObject();
    }
    json.endArray().endObject();
    json.name("osTrustStore");
    if (osStore.isPresent()) {
      json.beginObject()
          .name("path")
          .value(osPath.toString())
          .name("certificates")
          .value(osStore.get().size())
          .endObject();
    } else {
      json.nullValue();
    }
    json.name("hostName")
        .beginObject()
        .name("verdict")
        .value(hostName.verdict().name())
        .name("detail")
        .value(hostName.detail())
        .endObject();
    json.name("modes").beginArray();
    for (ClientModes.Result result : modes) {
      json.beginObject()
          .name("mode")
          .value(result.mode().name())
          .name("description")
          .value(result.mode().description())
          .name("clients")
          .value(result.mode().clients())
          .name("valid")
          .value(result.diagnosis().valid())
          .name("diagnosis");
      DiagnosisJson.write(json, result.diagnosis());
      json.endObject();
    }
    json.endArray();
    json.name("response").beginObject();
    json.name("clientCertificate")
        .value(clientChain.map(c -> Certificates.subject(c.get(0))).orElse(null));
    json.name("accepted").value(connection.accepted());
    json.name("httpStatus");
    if (connection.httpStatus().isPresent()) {
      json.value(connection.httpStatus().get());
    } else {
      json.nullValue();
    }
    json.name("alert").value(connection.alert().map(a -> a.alertName()).orElse(null));
    json.name("error").value(connection.error().orElse(null));
    json.name("requestedClientIssuers").beginArray();
    connection.requestedClientIssuers().forEach(json::value);
    json.endArray();
    json.endObject();
    return json.endObject().toString();
  }

  private static String orNone(String value) {
    return value == null ? "(none)" : value;
  }
}
