package io.chainsight.core.admin;

import io.chainsight.core.certs.Certificates;
import io.chainsight.core.certs.TlsMaterial;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process serves) and {@code /readyz}: the proxy is not draining, the TLS
 * listener is bound, the served certificate and key are loaded and valid now, and the backend
 * accepts TCP connections (from the background probe).
 */
final class HealthEndpoints {
  /** One readiness condition and what was found, in words. */
  record Check(String name, boolean ok, String detail) {}

  private final Supplier<Optional<InetSocketAddress>> tlsListener;
  private final Supplier<TlsMaterial> material;
  private final BackendProbe backend;
  private final BooleanSupplier draining;
  private final Clock clock;
  private final Supplier<Optional<String>> refusedReload;

  HealthEndpoints(
      Supplier<Optional<InetSocketAddress>> tlsListener,
      Supplier<TlsMaterial> material,
      BackendProbe backend,
      BooleanSupplier draining,
      Clock clock,
      Supplier<Optional<String>> refusedReload) {
    this.refusedReload = refusedReload;
    this.tlsListener = tlsListener;
    this.material = material;
    this.backend = backend;
    this.draining = draining;
    this.clock = clock;
  }

  AdminResponse live(AdminRequest request) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", "alive");
    return AdminResponse.of(request, HttpResponseStatus.OK, json, "alive");
  }

  AdminResponse ready(AdminRequest request) {
    List<Check> checks = checks();
    boolean ready = checks.stream().allMatch(Check::ok);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", ready ? "ready" : "not ready");
    List<Object> listed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    StringBuilder text = new StringBuilder(ready ? "ready\n" : "not ready\n");
    for (Check check : checks) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("check", check.name());
      entry.put("ok", check.ok());
      entry.put("detail", check.detail());
      listed.add(entry);
      if (!check.ok()) {
        failed.add(check.detail());
      }
      text.append(
          String.format(
              "  %-4s %-13s %s%n", check.ok() ? "ok" : "FAIL", check.name(), check.detail()));
    }
    json.put("failed", failed);
    json.put("checks", listed);
    return AdminResponse.of(
        request,
        ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        json,
        text.toString());
  }

  /**
   * {@code /readyz} on the probes listener, which asks no token: the status and the names of the
   * failed checks, none of the details (addresses, certificate names, reload problems).
   */
  AdminResponse readyBrief(AdminRequest request) {
    List<String> failed = checks().stream().filter(check -> !check.ok()).map(Check::name).toList();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", failed.isEmpty() ? "ready" : "not ready");
    json.put("failed", failed);
    return AdminResponse.of(
        request,
        failed.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        json,
        failed.isEmpty()
            ? "ready"
            : "not ready: "
                + String.join(", ", failed)
                + " (the admin endpoint's /readyz has the details)");
  }

  List<Check> checks() {
    return List.of(serving(), listener(), certificate(), backend(), reload());
  }

  /**
   * A refused reload does not make the proxy unready (the previous material keeps serving, valid),
   * but the operator who replaced the files must see that the new ones are not in use.
   */
  private Check reload() {
    return refusedReload
        .get()
        .map(
            why ->
                new Check(
                    "reload",
                    true,
                    "WARNING: the last reload was refused, the previous certificates "
                        + "keep serving: "
                        + why))
        .orElse(new Check("reload", true, "the files in use are the last ones loaded"));
  }

  private Check serving() {
    return draining.getAsBoolean()
        ? new Check(
            "serving",
            false,
            "draining before shutdown: no new connections, requests in flight finishing")
        : new Check("serving", true, "accepting connections (not draining)");
  }

  private Check listener() {
    Optional<InetSocketAddress> bound = tlsListener.get();
    return bound.isPresent()
        ? new Check(
            "tls-listener",
            true,
            "TLS listener bound on "
                + (bound.get().getAddress().isAnyLocalAddress()
                    ? "0.0.0.0"
                    : bound.get().getAddress().getHostAddress())
                + ":"
                + bound.get().getPort())
        : new Check(
            "tls-listener",
            false,
            "the TLS listener is not bound (the proxy is starting or stopping)");
  }

  private Check certificate() {
    TlsMaterial served = material.get();
    if (served == null || served.chain().isEmpty() || served.privateKey() == null) {
      return new Check(
          "certificate", false, "the served certificate chain and private key are not loaded");
    }
    Instant now = clock.instant();
    List<String> invalid = new ArrayList<>();
    for (int i = 0; i < served.chain().size(); i++) {
      X509Certificate certificate = served.chain().get(i);
      Instant notBefore = certificate.getNotBefore().toInstant();
      Instant notAfter = certificate.getNotAfter().toInstant();
      String name =
          "served certificate " + (i + 1) + " (" + Certificates.subject(certificate) + ")";
      if (now.isBefore(notBefore)) {
        invalid.add(
            name + " is not valid until " + notBefore + " (check the clock, or reissue it)");
      } else if (now.isAfter(notAfter)) {
        invalid.add(name + " expired at " + notAfter + " (renew it)");
      }
    }
    if (!invalid.isEmpty()) {
      return new Check("certificate", false, String.join("; ", invalid));
    }
    X509Certificate leaf = served.leaf();
    long days = Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
    return new Check(
        "certificate",
        true,
        "served chain of "
            + served.chain().size()
            + " loaded and valid now; "
            + Certificates.subject(leaf)
            + " expires in "
            + days
            + " days");
  }

  private Check backend() {
    BackendProbe.Result result = backend.last();
    long ago = Math.max(0, Duration.between(result.checkedAt(), clock.instant()).toSeconds());
    return new Check(
        "backend",
        result.reachable(),
        result.detail()
            + " (checked "
            + ago
            + " s ago, every "
            + backend.interval().toSeconds()
            + " s)");
  }
}
