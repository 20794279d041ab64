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
 * listener is bound, the served certificate and key are loaded and valid now, and the default
 * backend ({@code backend.url}) answers its background check. Every other backend a route uses is
 * listed with its state, last error and failure id, but does not make the proxy unready: a failing
 * tenant hop (the registrar's TLS port) must not take the agents' registration out of service,
 * which is what a load balancer or kubelet would do with a 503.
 */
final class HealthEndpoints {
  /** One readiness condition and what was found, in words. */
  record Check(String name, boolean ok, String detail) {}

  private final Supplier<Optional<InetSocketAddress>> tlsListener;
  private final Supplier<TlsMaterial> material;
  private final BackendChecks backend;
  private final BooleanSupplier draining;
  private final Clock clock;
  private final Supplier<Optional<String>> refusedReload;

  HealthEndpoints(
      Supplier<Optional<InetSocketAddress>> tlsListener,
      Supplier<TlsMaterial> material,
      BackendChecks backend,
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
    json.put("backends", backendsJson());
    backendsText(text);
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
   * A refused reload does not make the proxy unready (the previous configuration keeps serving,
   * valid), but the operator who changed the files must see that the new ones are not in use.
   */
  private Check reload() {
    return refusedReload
        .get()
        .map(
            why ->
                new Check(
                    "reload",
                    true,
                    "WARNING: the last reload was refused, the previous configuration and "
                        + "certificates keep serving: "
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
    BackendChecks.BackendState state = backend.states().get(0);
    return new Check("backend", state.up(), describe(state));
  }

  private String describe(BackendChecks.BackendState state) {
    long ago = Math.max(0, Duration.between(state.checkedAt(), clock.instant()).toSeconds());
    return state.detail()
        + " (checked "
        + ago
        + " s ago, every "
        + state.interval().toSeconds()
        + " s)";
  }

  /** Every backend, the default first, as /readyz lists them after the checks. */
  private List<Object> backendsJson() {
    List<Object> listed = new ArrayList<>();
    for (BackendChecks.BackendState state : backend.states()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("backend", state.backend());
      entry.put("default", state.isDefault());
      entry.put("routes", state.routes());
      entry.put("state", state.state().name().toLowerCase(java.util.Locale.ROOT));
      entry.put("detail", state.detail());
      entry.put("lastError", state.up() ? null : state.detail());
      entry.put("failureId", state.failureId().orElse(null));
      entry.put("checkedAt", state.checkedAt().toString());
      entry.put("intervalSeconds", state.interval().toSeconds());
      listed.add(entry);
    }
    return listed;
  }

  private void backendsText(StringBuilder text) {
    List<BackendChecks.BackendState> states = backend.states();
    if (states.size() < 2) {
      return;
    }
    text.append("backends (only the default one, backend.url, decides readiness):\n");
    for (BackendChecks.BackendState state : states) {
      text.append(
          String.format(
              "  %-4s %s %s%n       %s%n",
              state.state() == BackendChecks.State.UP
                  ? "up"
                  : state.state() == BackendChecks.State.DOWN ? "DOWN" : "?",
              state.backend(),
              (state.isDefault() ? "(default" + (state.routes().isEmpty() ? ")" : "; ") : "(")
                  + String.join(", ", state.routes())
                  + (state.isDefault() && state.routes().isEmpty() ? "" : ")"),
              describe(state)));
    }
  }
}
