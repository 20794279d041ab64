package io.chainsight.core.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The backends the proxy forwards to, checked in the background, as {@code /readyz} and the {@code
 * chainsight_backend_up} gauge read them. The proxy implements it over every backend its routes
 * use; the admin listener starts and stops the checks. Only the default backend ({@code
 * backend.url}) decides readiness: see {@link HealthEndpoints}.
 */
public interface BackendChecks extends AutoCloseable {
  /** Starts checking in the background. */
  void start();

  /** The last state of every backend, the default one first. */
  List<BackendState> states();

  @Override
  void close();

  /** Whether a backend answered its last check. */
  enum State {
    UP,
    DOWN,
    /** Not checked yet. */
    UNKNOWN
  }

  /**
   * One backend's last check.
   *
   * @param backend its URL, e.g. {@code https://127.0.0.1:8891}: the gauge's label
   * @param isDefault whether it is {@code backend.url}, the backend readiness is tied to
   * @param routes the routes that use it, e.g. {@code routes[2] (/v*}{@code /agents GET|DELETE)}
   * @param detail what was found, in words (the last error when down)
   * @param failureId when a TLS handshake failed, the id of its failure (log, /debug/handshakes)
   * @param interval how often it is checked
   */
  record BackendState(
      String backend,
      boolean isDefault,
      List<String> routes,
      State state,
      String detail,
      Optional<String> failureId,
      Instant checkedAt,
      Duration interval) {
    public BackendState {
      Objects.requireNonNull(backend, "backend");
      routes = List.copyOf(routes);
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(failureId, "failureId");
      Objects.requireNonNull(checkedAt, "checkedAt");
      Objects.requireNonNull(interval, "interval");
    }

    public boolean up() {
      return state == State.UP;
    }
  }
}
