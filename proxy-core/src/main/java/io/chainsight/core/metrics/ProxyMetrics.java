package io.chainsight.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Every metric the proxy records, in one place, over a Dropwizard registry. Names have the form
 * {@code <prometheus name>.<label>.<value>[.<label>.<value>]} so the Prometheus bridge can map them
 * to one family with labels (e.g. {@code
 * chainsight_handshake_failures_total.hop.listener.reason.EXPIRED}). Tests pass a fresh registry.
 */
public final class ProxyMetrics {
  public static final String HANDSHAKES = "chainsight_handshakes_total";
  public static final String HANDSHAKE_FAILURES = "chainsight_handshake_failures_total";
  public static final String REQUESTS = "chainsight_requests_total";
  public static final String BACKEND_ERRORS = "chainsight_backend_errors_total";
  public static final String CLIENT_CONNECTIONS = "chainsight_client_connections_open";
  public static final String BACKEND_CONNECTIONS = "chainsight_backend_connections_open";
  public static final String REJECTED = "chainsight_requests_rejected_total";
  public static final String CONNECTIONS_REFUSED = "chainsight_connections_refused_total";
  public static final String RELOADS = "chainsight_reloads_total";
  public static final String REQUEST_DURATION = "chainsight_request_duration_seconds";
  public static final String EVENT_LOOP_PENDING_TASKS = "chainsight_event_loop_pending_tasks";

  /** The {@code hop} label's values. */
  public static final String LISTENER = "listener";

  public static final String BACKEND = "backend";

  private final MetricRegistry registry;
  private final Counter clientConnections;
  private final Counter backendConnections;
  private final Timer requestDuration;
  private final Counter handshakesSucceeded;
  // By status code (100 to 599), looked up in the registry once: a request then builds no name.
  private final AtomicReferenceArray<Counter> requestsByCode = new AtomicReferenceArray<>(600);

  public ProxyMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.clientConnections = registry.counter(CLIENT_CONNECTIONS);
    this.backendConnections = registry.counter(BACKEND_CONNECTIONS);
    this.requestDuration = registry.timer(REQUEST_DURATION);
    this.handshakesSucceeded =
        registry.counter(labelled(labelled(HANDSHAKES, "hop", LISTENER), "result", "success"));
    // Exported at 0 from the start, so an alert on failed reloads has a series before the first
    // reload.
    for (String result : new String[] {"changed", "unchanged", "failed"}) {
      registry.counter(labelled(RELOADS, "result", result));
    }
  }

  public MetricRegistry registry() {
    return registry;
  }

  /** A completed handshake on the listener. */
  public void handshakeSucceeded() {
    handshakesSucceeded.inc();
  }

  /**
   * A completed handshake on a hop: {@code listener} (a client's) or {@code backend} (the proxy's
   * own, with an https backend).
   */
  public void handshakeSucceeded(String hop) {
    registry.counter(labelled(labelled(HANDSHAKES, "hop", hop), "result", "success")).inc();
  }

  /**
   * A failed handshake on a hop ({@code listener}, {@code backend}), by diagnostics reason code.
   */
  public void handshakeFailed(String hop, String reason) {
    registry.counter(labelled(labelled(HANDSHAKES, "hop", hop), "result", "failure")).inc();
    registry.counter(labelled(labelled(HANDSHAKE_FAILURES, "hop", hop), "reason", reason)).inc();
  }

  /** Failed handshakes on the listener with this reason. */
  public long handshakeFailures(String reason) {
    return handshakeFailures(LISTENER, reason);
  }

  public long handshakeFailures(String hop, String reason) {
    return registry
        .counter(labelled(labelled(HANDSHAKE_FAILURES, "hop", hop), "reason", reason))
        .getCount();
  }

  public long handshakes(String hop, String result) {
    return registry
        .counter(labelled(labelled(HANDSHAKES, "hop", hop), "result", result))
        .getCount();
  }

  public void request(int statusCode, long nanos) {
    requests(statusCode).inc();
    requestDuration.update(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter requests(int statusCode) {
    if (statusCode < 100 || statusCode >= requestsByCode.length()) {
      return registry.counter(labelled(REQUESTS, "code", Integer.toString(statusCode)));
    }
    Counter counter = requestsByCode.get(statusCode);
    if (counter == null) {
      // Two threads may both look it up: the registry gives both the same counter.
      counter = registry.counter(labelled(REQUESTS, "code", Integer.toString(statusCode)));
      requestsByCode.set(statusCode, counter);
    }
    return counter;
  }

  /** A backend failure: {@code connect}, {@code timeout}, {@code closed}, {@code write}. */
  public void backendError(String kind) {
    registry.counter(labelled(BACKEND_ERRORS, "kind", kind)).inc();
  }

  public long backendErrors(String kind) {
    return registry.counter(labelled(BACKEND_ERRORS, "kind", kind)).getCount();
  }

  /** A request refused by the proxy itself (framing, limits, timeouts), by cause. */
  public void rejected(String cause) {
    registry.counter(labelled(REJECTED, "cause", cause)).inc();
  }

  public long rejections(String cause) {
    return registry.counter(labelled(REJECTED, "cause", cause)).getCount();
  }

  /**
   * A connection closed at once because a connection limit was reached ({@code total} or {@code
   * per-ip}).
   */
  public void connectionRefused(String limit) {
    registry.counter(labelled(CONNECTIONS_REFUSED, "limit", limit)).inc();
  }

  public long connectionsRefused(String limit) {
    return registry.counter(labelled(CONNECTIONS_REFUSED, "limit", limit)).getCount();
  }

  /**
   * A reload of the configuration and TLS material: {@code changed}, {@code unchanged} or {@code
   * failed}.
   */
  public void reload(String result) {
    registry.counter(labelled(RELOADS, "result", result)).inc();
  }

  /**
   * Tasks waiting in the event loops' queues, read at scrape time: a number that keeps growing
   * means the loops cannot keep up (or something schedules without end).
   */
  public void eventLoopPendingTasks(LongSupplier pending) {
    registry.gauge(EVENT_LOOP_PENDING_TASKS, () -> pending::getAsLong);
  }

  public Counter clientConnections() {
    return clientConnections;
  }

  public Counter backendConnections() {
    return backendConnections;
  }

  public static String labelled(String name, String label, String value) {
    return name + "." + label + "." + value;
  }
}
