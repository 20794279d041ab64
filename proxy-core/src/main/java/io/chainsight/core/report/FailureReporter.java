package io.chainsight.core.report;

import io.chainsight.core.config.DiagnosticsSettings;
import io.chainsight.core.diagnose.ChainDiagnosis;
import io.chainsight.core.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Every failed handshake passes here once: it is counted by reason, kept among the recent failures
 * ({@code diagnostics.recent}), and logged at WARN. A failure identical to one logged within {@code
 * diagnostics.dedup-window} (same client address, reason, alert and chain: an agent retrying in a
 * loop) is counted instead, and one summary line says how many when the window closes.
 */
public final class FailureReporter implements AutoCloseable {
  /** The logger handshake failures go to; tests attach to it. */
  public static final String LOGGER = "io.chainsight.handshake";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  // Replaced by a reload; each failure reads it once per use (a window already open keeps its end).
  private volatile DiagnosticsSettings settings;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ArrayDeque<HandshakeFailure> recent = new ArrayDeque<>();
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  /**
   * Distinct failures being deduplicated at once; past it, repeats are logged in full again
   * (bounded memory).
   */
  private static final int MAX_WINDOWS = 10_000;

  /**
   * Repeats of one failure within a dedup window: only what the summary line needs, not the
   * diagnosis.
   */
  private static final class Window {
    final String firstId;
    final HandshakeFailure.Hop hop;
    final String address;
    final String reason;
    final Instant closes;
    int repeats;

    Window(HandshakeFailure first, Instant closes) {
      this.firstId = first.id();
      this.hop = first.hop();
      this.address =
          first.hop() == HandshakeFailure.Hop.BACKEND
              ? first.backend().orElse(first.peerText())
              : first.peer().getAddress().getHostAddress();
      this.reason = first.reason().name();
      this.closes = closes;
    }
  }

  public FailureReporter(DiagnosticsSettings settings, ProxyMetrics metrics, Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "chainsight-failure-dedup");
              thread.setDaemon(true);
              return thread;
            });
    sweeper.scheduleWithFixedDelay(this::closeWindows, 1, 1, TimeUnit.SECONDS);
  }

  /** Reports one failed handshake; returns it with its id. */
  public HandshakeFailure report(
      InetSocketAddress client,
      Optional<String> serverName,
      Optional<String> protocol,
      Optional<String> cipher,
      ChainDiagnosis diagnosis) {
    return report(
        HandshakeFailure.Stage.HANDSHAKE,
        HandshakeFailure.Hop.LISTENER,
        client,
        serverName,
        protocol,
        cipher,
        Optional.empty(),
        diagnosis);
  }

  /**
   * Reports one failed handshake of the proxy with an https backend (the proxy being the TLS
   * client); returns it with its id.
   *
   * @param backend the backend's address
   * @param name the backend as routes name it, and the routes that use it
   */
  public HandshakeFailure reportBackend(
      InetSocketAddress backend,
      String name,
      Optional<String> serverName,
      Optional<String> protocol,
      ChainDiagnosis diagnosis) {
    return report(
        HandshakeFailure.Stage.HANDSHAKE,
        HandshakeFailure.Hop.BACKEND,
        backend,
        serverName,
        protocol,
        Optional.empty(),
        Optional.of(name),
        diagnosis);
  }

  /**
   * Reports a request refused for the client's identity after a completed handshake; returns it
   * with its id.
   */
  public HandshakeFailure reportRefusal(
      InetSocketAddress client, Optional<String> serverName, ChainDiagnosis diagnosis) {
    return report(
        HandshakeFailure.Stage.REQUEST,
        HandshakeFailure.Hop.LISTENER,
        client,
        serverName,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        diagnosis);
  }

  private HandshakeFailure report(
      HandshakeFailure.Stage stage,
      HandshakeFailure.Hop hop,
      InetSocketAddress peer,
      Optional<String> serverName,
      Optional<String> protocol,
      Optional<String> cipher,
      Optional<String> backend,
      ChainDiagnosis diagnosis) {
    HandshakeFailure failure =
        new HandshakeFailure(
            String.format("%08x", random.nextInt()),
            stage,
            hop,
            clock.instant(),
            peer,
            serverName,
            protocol,
            cipher,
            backend,
            diagnosis);
    metrics.handshakeFailed(hop.label(), failure.reason().name());
    remember(failure);
    if (firstInWindow(failure)) {
      LoggingEventBuilder event = log.atWarn();
      for (Map.Entry<String, Object> field : FailureLog.fields(failure).entrySet()) {
        event = event.addKeyValue(field.getKey(), field.getValue());
      }
      event.log(FailureLog.text(failure));
    }
    return failure;
  }

  /**
   * The id under which {@code failure} was logged: its own, or, when it repeated a failure within
   * the dedup window (and so was counted, not logged), the id of that first failure.
   */
  public String loggedAs(HandshakeFailure failure) {
    Window window = windows.get(failure.dedupKey());
    return window != null ? window.firstId : failure.id();
  }

  private boolean firstInWindow(HandshakeFailure failure) {
    if (settings.dedupWindow().isZero()) {
      return true;
    }
    if (windows.size() >= MAX_WINDOWS && !windows.containsKey(failure.dedupKey())) {
      return true;
    }
    boolean[] first = {false};
    windows.compute(
        failure.dedupKey(),
        (key, window) -> {
          if (window == null || !failure.time().isBefore(window.closes)) {
            first[0] = true;
            if (window != null) {
              summarise(window);
            }
            return new Window(failure, failure.time().plus(settings.dedupWindow()));
          }
          window.repeats++;
          return window;
        });
    return first[0];
  }

  private void closeWindows() {
    Instant now = clock.instant();
    for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Window window = it.next().getValue();
      if (!now.isBefore(window.closes)) {
        it.remove();
        summarise(window);
      }
    }
  }

  private static void summarise(Window window) {
    if (window.repeats == 0) {
      return;
    }
    if (window.hop == HandshakeFailure.Hop.BACKEND) {
      log.atWarn()
          .addKeyValue("event", "handshake_failure_repeats")
          .addKeyValue("hop", window.hop.label())
          .addKeyValue("failure_id", window.firstId)
          .addKeyValue("backend", window.address)
          .addKeyValue("reason", window.reason)
          .addKeyValue("repeats", window.repeats)
          .log(
              "TLS handshake with backend {} failed {} more time(s) with {} (same chain) since [{}];"
                  + " see the admin endpoint /debug/handshakes?hop=backend",
              window.address,
              window.repeats,
              window.reason,
              window.firstId);
      return;
    }
    log.atWarn()
        .addKeyValue("event", "handshake_failure_repeats")
        .addKeyValue("hop", window.hop.label())
        .addKeyValue("failure_id", window.firstId)
        .addKeyValue("client_address", window.address)
        .addKeyValue("reason", window.reason)
        .addKeyValue("repeats", window.repeats)
        .log(
            "TLS handshake failed {} more time(s) from {} with {} (same chain) since [{}]; "
                + "see the admin endpoint /debug/handshakes?client={}",
            window.repeats,
            window.address,
            window.reason,
            window.firstId,
            window.address);
  }

  private synchronized void remember(HandshakeFailure failure) {
    if (settings.recent() == 0) {
      return;
    }
    recent.addFirst(failure);
    while (recent.size() > settings.recent()) {
      recent.removeLast();
    }
  }

  /**
   * Takes a reloaded {@code diagnostics} section: the next failure uses the new dedup window, and
   * the recent failures are cut to the new count at once.
   */
  public synchronized void apply(DiagnosticsSettings settings) {
    this.settings = settings;
    while (recent.size() > settings.recent()) {
      recent.removeLast();
    }
  }

  /** The recent failures, newest first. */
  public synchronized List<HandshakeFailure> recent() {
    return List.copyOf(recent);
  }

  public synchronized Optional<HandshakeFailure> byId(String id) {
    return recent.stream().filter(f -> f.id().equals(id)).findFirst();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    windows.values().forEach(FailureReporter::summarise);
    windows.clear();
  }
}
