package io.chainsight.core.admin;

import io.chainsight.core.certs.TlsMaterial;
import io.chainsight.core.config.TlsSettings;
import io.chainsight.core.lint.ChainLint;
import io.chainsight.core.lint.LintFinding;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /certs}: the served chain and the trust anchors in use, each with where it was loaded
 * from, and the lint of the served chain as of now.
 */
final class CertsEndpoint {
  private final Supplier<TlsMaterial> material;
  private final Supplier<TlsSettings> tls;
  private final String listenHost;
  private final Clock clock;

  private final Supplier<Optional<String>> refusedReload;

  CertsEndpoint(
      Supplier<TlsMaterial> material,
      Supplier<TlsSettings> tls,
      String listenHost,
      Clock clock,
      Supplier<Optional<String>> refusedReload) {
    this.refusedReload = refusedReload;
    this.material = material;
    this.tls = tls;
    this.listenHost = listenHost;
    this.clock = clock;
  }

  AdminResponse handle(AdminRequest request) {
    TlsMaterial current = material.get();
    if (current == null) {
      return AdminResponse.error(
          request.format(),
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no certificates are loaded yet");
    }
    Instant now = clock.instant();
    List<LintFinding> findings =
        ChainLint.lint(
            current.chain(), current.privateKey(), listenHost, now, current.trustAnchors());
    TlsSettings settings = tls.get();
    String chainFile = settings.certificateChain().toString();
    String trustFile = settings.trustedCas().map(Path::toString).orElse(null);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("served", section(chainFile, current.chain(), now));
    json.put("trusted", section(trustFile, current.trustAnchors(), now));
    json.put("lint", lintJson(findings));
    refusedReload.get().ifPresent(why -> json.put("refusedReload", why));

    StringBuilder text = new StringBuilder();
    refusedReload
        .get()
        .ifPresent(
            why ->
                text.append(
                        "WARNING: the last reload was refused; these are the "
                            + "certificates still in use, not the files on disk: ")
                    .append(why)
                    .append("\n\n"));
    text.append("served chain, sent to clients in this order (tls.certificate-chain = ")
        .append(chainFile)
        .append("):\n");
    appendCertificates(text, chainFile, current.chain(), now);
    if (trustFile == null) {
      text.append("\ntrust anchors for client certificates: none (tls.client-auth = none)\n");
    } else {
      text.append("\ntrust anchors for client certificates (tls.trusted-cas = ")
          .append(trustFile)
          .append("):\n");
      appendCertificates(text, trustFile, current.trustAnchors(), now);
    }
    appendLint(text, findings);
    return AdminResponse.of(request, HttpResponseStatus.OK, json, text.toString());
  }

  private static Map<String, Object> section(
      String file, List<X509Certificate> certificates, Instant now) {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("file", file);
    List<Object> listed = new ArrayList<>();
    for (int i = 0; i < certificates.size(); i++) {
      listed.add(CertificateView.json(i + 1, certificates.get(i), source(file, i), now));
    }
    section.put("certificates", listed);
    return section;
  }

  private static void appendCertificates(
      StringBuilder text, String file, List<X509Certificate> certificates, Instant now) {
    for (int i = 0; i < certificates.size(); i++) {
      CertificateView.text(text, i + 1, certificates.get(i), source(file, i), now);
    }
  }

  private static String source(String file, int index) {
    return file + ", PEM block " + (index + 1);
  }

  private Map<String, Object> lintJson(List<LintFinding> findings) {
    Map<String, Object> lint = new LinkedHashMap<>();
    lint.put("listenHost", listenHost);
    lint.put("errors", count(findings, LintFinding.Level.ERROR));
    lint.put("warnings", count(findings, LintFinding.Level.WARNING));
    List<Object> listed = new ArrayList<>();
    for (LintFinding finding : findings) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("check", finding.check());
      entry.put("level", finding.level().name());
      entry.put("message", finding.message());
      entry.put(
          "certificate",
          finding.certificate().isPresent() ? finding.certificate().getAsInt() : null);
      listed.add(entry);
    }
    lint.put("findings", listed);
    return lint;
  }

  private void appendLint(StringBuilder text, List<LintFinding> findings) {
    text.append("\nlint of the served chain (listen.host = ")
        .append(listenHost)
        .append("): ")
        .append(count(findings, LintFinding.Level.ERROR))
        .append(" errors, ")
        .append(count(findings, LintFinding.Level.WARNING))
        .append(" warnings\n");
    for (LintFinding finding : findings) {
      text.append(
          String.format(
              "  %-8s %-12s %s%n",
              finding.level() == LintFinding.Level.OK ? "ok" : finding.level().name(),
              finding.check(),
              finding.message()));
    }
  }

  private static long count(List<LintFinding> findings, LintFinding.Level level) {
    return findings.stream().filter(f -> f.level() == level).count();
  }
}
