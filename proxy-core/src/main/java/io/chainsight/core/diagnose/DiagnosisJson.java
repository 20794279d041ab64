package io.chainsight.core.diagnose;

import com.fasterxml.jackson.core.JsonGenerator;
import io.chainsight.core.json.JsonLayout;
import java.io.IOException;
import java.util.Optional;

/**
 * A {@link ChainDiagnosis} as one JSON object: the admin endpoint, {@code --json} and JSON log
 * lines all use this shape. Field names are a stable contract, like the reason codes.
 */
public final class DiagnosisJson {
  private DiagnosisJson() {}

  /** The diagnosis as one line of JSON. */
  public static String render(ChainDiagnosis diagnosis) {
    return JsonLayout.COMPACT.write(json -> write(json, diagnosis));
  }

  /**
   * Writes the diagnosis as an object value (after {@code json.writeFieldName(...)} when embedded
   * in another object).
   */
  public static void write(JsonGenerator json, ChainDiagnosis d) throws IOException {
    json.writeStartObject();
    json.writeBooleanField("valid", d.valid());
    json.writeStringField("reason", d.reason().map(Enum::name).orElse(null));
    json.writeStringField("checkedAt", Wording.time(d.checkedAt()));
    json.writeStringField("purpose", d.purpose().map(Purpose::ekuName).orElse(null));
    json.writeStringField("expectedHost", d.expectedHost().orElse(null));
    json.writeArrayFieldStart("presented");
    for (CertificateRef c : d.presented()) {
      certificate(json, c);
    }
    json.writeEndArray();
    json.writeStringField("presentedFingerprint", d.presentedFingerprint());
    json.writeArrayFieldStart("path");
    for (CertificateRef c : d.path()) {
      certificate(json, c);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("steps");
    for (Step step : d.steps()) {
      json.writeStartObject();
      json.writeNumberField("number", step.number());
      json.writeStringField("check", step.check().name());
      json.writeStringField("verdict", step.verdict().name());
      json.writeFieldName("certificate");
      if (step.certificate().isPresent()) {
        // The full identity is under "path"; a step names the certificate as the text report does.
        json.writeStartObject();
        json.writeStringField("ref", step.certificate().get().label());
        json.writeStringField("subject", step.certificate().get().subject());
        json.writeEndObject();
      } else {
        json.writeNull();
      }
      json.writeStringField("detail", step.detail());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeFieldName("failure");
    if (d.failure().isPresent()) {
      failure(json, d.failure().get());
    } else {
      json.writeNull();
    }
    json.writeFieldName("receivedAlert");
    alert(json, d.receivedAlert());
    json.writeArrayFieldStart("causes");
    for (Cause cause : d.causes()) {
      json.writeStartObject();
      json.writeStringField("likelihood", cause.likelihood().name());
      json.writeFieldName("openssl");
      openssl(json, cause.openssl());
      json.writeStringField("cause", cause.cause());
      json.writeStringField("fix", cause.fix());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("remarks");
    for (String remark : d.remarks()) {
      json.writeString(remark);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** The failure alone, for a log line that carries only the failing step. */
  private static void failure(JsonGenerator json, Failure f) throws IOException {
    json.writeStartObject();
    json.writeStringField("reason", f.reason().name());
    json.writeStringField("title", f.reason().title());
    json.writeFieldName("step");
    if (f.step().isPresent()) {
      json.writeNumber(f.step().getAsInt());
    } else {
      json.writeNull();
    }
    json.writeFieldName("certificate");
    if (f.certificate().isPresent()) {
      certificate(json, f.certificate().get());
    } else {
      json.writeNull();
    }
    json.writeStringField("explanation", f.explanation());
    json.writeStringField("fix", f.fix());
    json.writeFieldName("openssl");
    openssl(json, f.openssl());
    json.writeFieldName("alert");
    alert(json, f.alert());
    json.writeEndObject();
  }

  private static void certificate(JsonGenerator json, CertificateRef c) throws IOException {
    json.writeStartObject();
    json.writeStringField("ref", c.label());
    json.writeStringField("source", c.source().name());
    json.writeNumberField("index", c.index());
    json.writeFieldName("presentedIndex");
    if (c.presentedIndex().isPresent()) {
      json.writeNumber(c.presentedIndex().getAsInt());
    } else {
      json.writeNull();
    }
    json.writeStringField("subject", c.subject());
    json.writeStringField("issuer", c.issuer());
    json.writeStringField("serial", c.serial());
    json.writeStringField("sha256", c.sha256());
    json.writeStringField("subjectKeyId", c.subjectKeyId().orElse(null));
    json.writeStringField("authorityKeyId", c.authorityKeyId().orElse(null));
    json.writeStringField("notBefore", Wording.time(c.notBefore()));
    json.writeStringField("notAfter", Wording.time(c.notAfter()));
    json.writeEndObject();
  }

  private static void openssl(JsonGenerator json, Optional<OpenSslError> openssl)
      throws IOException {
    if (openssl.isEmpty()) {
      json.writeNull();
      return;
    }
    OpenSslError e = openssl.get();
    json.writeStartObject();
    json.writeNumberField("code", e.code());
    json.writeStringField("text", e.text());
    json.writeNumberField("legacyCode", e.legacyCode());
    json.writeEndObject();
  }

  private static void alert(JsonGenerator json, Optional<TlsAlert> alert) throws IOException {
    if (alert.isEmpty()) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    json.writeNumberField("code", alert.get().code());
    json.writeStringField("name", alert.get().alertName());
    json.writeEndObject();
  }
}
