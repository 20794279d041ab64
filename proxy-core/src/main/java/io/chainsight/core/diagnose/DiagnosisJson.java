package io.chainsight.core.diagnose;

import java.util.Optional;

/**
 * A {@link ChainDiagnosis} as one JSON object: the admin endpoint, {@code --json} and JSON log
 * lines all use this shape. Field names are a stable contract, like the reason codes.
 */
public final class DiagnosisJson {
  private DiagnosisJson() {}

  public static String render(ChainDiagnosis diagnosis) {
    return write(new Json(), diagnosis).toString();
  }

  /**
   * Writes the diagnosis as an object value (after {@code json.name(...)} when embedded in another
   * object).
   */
  public static Json write(Json json, ChainDiagnosis d) {
    json.beginObject();
    json.name("valid").value(d.valid());
    json.name("reason").value(d.reason().map(Enum::name).orElse(null));
    json.name("checkedAt").value(Wording.time(d.checkedAt()));
    json.name("purpose").value(d.purpose().map(Purpose::ekuName).orElse(null));
    json.name("expectedHost").value(d.expectedHost().orElse(null));
    json.name("presented").beginArray();
    d.presented().forEach(c -> certificate(json, c));
    json.endArray();
    json.name("presentedFingerprint").value(d.presentedFingerprint());
    json.name("path").beginArray();
    d.path().forEach(c -> certificate(json, c));
    json.endArray();
    json.name("steps").beginArray();
    for (Step step : d.steps()) {
      json.beginObject();
      json.name("number").value(step.number());
      json.name("check").value(step.check().name());
      json.name("verdict").value(step.verdict().name());
      json.name("certificate");
      if (step.certificate().isPresent()) {
        // The full identity is under "path"; a step names the certificate as the text report does.
        json.beginObject()
            .name("ref")
            .value(step.certificate().get().label())
            .name("subject")
            .value(step.certificate().get().subject())
            .endObject();
      } else {
        json.nullValue();
      }
      json.name("detail").value(step.detail());
      json.endObject();
    }
    json.endArray();
    json.name("failure");
    if (d.failure().isPresent()) {
      failure(json, d.failure().get());
    } else {
      json.nullValue();
    }
    json.name("receivedAlert");
    alert(json, d.receivedAlert());
    json.name("causes").beginArray();
    for (Cause cause : d.causes()) {
      json.beginObject();
      json.name("likelihood").value(cause.likelihood().name());
      json.name("openssl");
      openssl(json, cause.openssl());
      json.name("cause").value(cause.cause());
      json.name("fix").value(cause.fix());
      json.endObject();
    }
    json.endArray();
    json.name("remarks").beginArray();
    d.remarks().forEach(json::value);
    json.endArray();
    return json.endObject();
  }

  /** The failure alone, for a log line that carries only the failing step. */
  public static Json failure(Json json, Failure f) {
    json.beginObject();
    json.name("reason").value(f.reason().name());
    json.name("title").value(f.reason().title());
    json.name("step");
    if (f.step().isPresent()) {
      json.value(f.step().getAsInt());
    } else {
      json.nullValue();
    }
    json.name("certificate");
    optionalCertificate(json, f.certificate());
    json.name("explanation").value(f.explanation());
    json.name("fix").value(f.fix());
    json.name("openssl");
    openssl(json, f.openssl());
    json.name("alert");
    alert(json, f.alert());
    return json.endObject();
  }

  public static Json certificate(Json json, CertificateRef c) {
    json.beginObject();
    json.name("ref").value(c.label());
    json.name("source").value(c.source().name());
    json.name("index").value(c.index());
    json.name("presentedIndex");
    if (c.presentedIndex().isPresent()) {
      json.value(c.presentedIndex().getAsInt());
    } else {
      json.nullValue();
    }
    json.name("subject").value(c.subject());
    json.name("issuer").value(c.issuer());
    json.name("serial").value(c.serial());
    json.name("sha256").value(c.sha256());
    json.name("subjectKeyId").value(c.subjectKeyId().orElse(null));
    json.name("authorityKeyId").value(c.authorityKeyId().orElse(null));
    json.name("notBefore").value(Wording.time(c.notBefore()));
    json.name("notAfter").value(Wording.time(c.notAfter()));
    return json.endObject();
  }

  private static void optionalCertificate(Json json, Optional<CertificateRef> certificate) {
    if (certificate.isPresent()) {
      certificate(json, certificate.get());
    } else {
      json.nullValue();
    }
  }

  private static void openssl(Json json, Optional<OpenSslError> openssl) {
    if (openssl.isEmpty()) {
      json.nullValue();
      return;
    }
    OpenSslError e = openssl.get();
    json.beginObject()
        .name("code")
        .value(e.code())
        .name("text")
        .value(e.text())
        .name("legacyCode")
        .value(e.legacyCode())
        .endObject();
  }

  private static void alert(Json json, Optional<TlsAlert> alert) {
    if (alert.isEmpty()) {
      json.nullValue();
      return;
    }
    json.beginObject()
        .name("code")
        .value(alert.get().code())
        .name("name")
        .value(alert.get().alertName())
        .endObject();
  }
}
