package io.chainsight.core.proxy;

import io.chainsight.core.certs.KeyFilePermissions;
import io.chainsight.core.config.ChainsightConfig;
import io.chainsight.core.config.ConfigDiff;
import io.chainsight.core.config.ConfigException;
import io.chainsight.core.config.ConfigSource;
import io.chainsight.core.config.EffectiveConfig;
import io.chainsight.core.config.ReloadResult;
import io.chainsight.core.lint.LintLog;
import io.chainsight.core.metrics.ProxyMetrics;
import io.chainsight.core.report.FailureReporter;
import io.chainsight.core.tls.CredentialWatcher;
import io.chainsight.core.tls.ServerCredentials;
import io.chainsight.core.tls.TlsEngine;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.AttributeKey;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the whole configuration (on a change of the watched files, SIGHUP or {@code POST
 * /reload}): reads the config source again, compares it with the running generation, builds and
 * checks the new generation completely (every file it names), and only then swaps it in. Anything
 * wrong, or a change to a key that needs a restart, refuses the whole reload and the running
 * generation keeps serving. One reload at a time.
 *
 * <p>After a swap: the old backend pools close (idle connections now, lent ones when their exchange
 * ends); when the rules a client was let in by changed (trust, CRLs, client-auth, protocols),
 * connections authenticated under the old ones close once their exchange ends, so a client the new
 * trust refuses does not keep a connection; everything else open keeps going.
 */
final class ConfigReloader implements AutoCloseable {
  /** The listener TLS generation a connection's handshake used (set at its ClientHello). */
  static final AttributeKey<ServerCredentials.Loaded> HANDSHAKE_TLS =
      AttributeKey.valueOf("chainsight.handshake-tls");

  private static final Logger log = LoggerFactory.getLogger(ChainsightServer.class);
  private static final long WATCH_INTERVAL_MILLIS = 500;

  private final ConfigSource source;
  private final Transport transport;
  private final TlsEngine engine;
  private final ProxyMetrics metrics;
  private final ServerCredentials credentials;
  private final FailureReporter failures;
  private final ChannelGroup clients;
  private final Consumer<ChainsightConfig> onChange;
  private volatile Generation current;
  private volatile ReloadResult refused;
  private CredentialWatcher watcher;
  private BiConsumer<Generation, Generation> afterReload = (before, after) -> {};

  ConfigReloader(
      ConfigSource source,
      Generation first,
      Transport transport,
      TlsEngine engine,
      ProxyMetrics metrics,
      ServerCredentials credentials,
      FailureReporter failures,
      ChannelGroup clients,
      Consumer<ChainsightConfig> onChange) {
    this.source = source;
    this.current = first;
    this.transport = transport;
    this.engine = engine;
    this.metrics = metrics;
    this.credentials = credentials;
    this.failures = failures;
    this.clients = clients;
    this.onChange = onChange;
  }

  /** Starts watching the config file and every TLS file the running generation names. */
  synchronized void watch() {
    watcher =
        CredentialWatcher.watch(
            current.watchedFiles(source.file()), WATCH_INTERVAL_MILLIS, this::reload);
  }

  Generation current() {
    return current;
  }

  /**
   * Called after each reload that was not refused, with the generation before and the one after
   * (the same one when nothing changed).
   */
  synchronized void afterReload(BiConsumer<Generation, Generation> listener) {
    this.afterReload = listener;
  }

  /** The last refused reload, while no reload has succeeded since. */
  Optional<ReloadResult> lastRefused() {
    return Optional.ofNullable(refused);
  }

  synchronized ReloadResult reload(String trigger) {
    Generation before = current;
    ReloadResult result = attempt(trigger);
    metrics.reload(result.outcome().name().toLowerCase(Locale.ROOT));
    StringBuilder message = new StringBuilder(result.describe());
    for (String change : result.changes()) {
      message.append("\n  ").append(change);
    }
    if (result.outcome() == ReloadResult.Outcome.FAILED) {
      refused = result;
      log.warn(message.toString());
    } else {
      refused = null;
      log.info(message.toString());
    }
    if (current != before) {
      checkServedFiles(before, current);
    }
    if (result.outcome() != ReloadResult.Outcome.FAILED) {
      afterReload.accept(before, current);
    }
    return result;
  }

  /** What startup says of the served files, said again when a reload changed them. */
  private static void checkServedFiles(Generation old, Generation fresh) {
    if (!fresh.tls().sameCertificates(old.tls())) {
      LintLog.lintServedChain(fresh.tls().material(), fresh.config().listen().host());
    }
    if (!fresh.config().tls().privateKey().equals(old.config().tls().privateKey())) {
      KeyFilePermissions.warning("tls.private-key", fresh.config().tls().privateKey())
          .ifPresent(log::warn);
    }
  }

  private ReloadResult attempt(String trigger) {
    Generation old = current;
    EffectiveConfig effective;
    try {
      effective = source.load();
    } catch (ConfigException e) {
      return result(ReloadResult.Outcome.FAILED, trigger, old, old, List.of(), e.problems());
    }
    ConfigDiff diff =
        ConfigDiff.between(
            old.effective().entries(),
            effective.entries(),
            changedSecrets(old.config(), effective.config()));
    List<ConfigDiff.Change> restart = diff.needingRestart();
    if (!restart.isEmpty()) {
      List<String> problems = restart.stream().map(ConfigDiff.Change::describe).toList();
      List<String> rest =
          diff.changes().stream()
              .filter(c -> !c.needsRestart())
              .map(ConfigDiff.Change::describe)
              .toList();
      return result(ReloadResult.Outcome.FAILED, trigger, old, old, rest, problems);
    }
    Generation fresh;
    try {
      fresh =
          Generation.build(old.number() + 1, effective, transport, engine, metrics, credentials);
    } catch (ConfigException e) {
      return result(ReloadResult.Outcome.FAILED, trigger, old, old, diff.lines(), e.problems());
    }
    if (diff.isEmpty() && fresh.sameFilesAs(old)) {
      fresh.router().close();
      // Nothing to swap, but a reload still retires the session tickets issued so far.
      old.tls().newTicketKey();
      return result(ReloadResult.Outcome.UNCHANGED, trigger, old, old, List.of(), List.of());
    }
    current = fresh; // the swap: from here on, every new request and handshake is fresh's
    afterSwap(old, fresh);
    return result(ReloadResult.Outcome.CHANGED, trigger, old, fresh, diff.lines(), List.of());
  }

  private void afterSwap(Generation old, Generation fresh) {
    old.router().close();
    failures.apply(fresh.config().diagnostics());
    if (watcher != null) {
      watcher.watch(fresh.watchedFiles(source.file()));
    }
    if (!fresh.tls().sameClientPolicy(old.tls())) {
      // Connections let in under the old trust (or protocols) end after their exchange.
      clients.forEach(
          channel -> {
            ServerCredentials.Loaded used = channel.attr(HANDSHAKE_TLS).get();
            if (used != null && !fresh.tls().sameClientPolicy(used)) {
              channel.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
            }
          });
    }
    onChange.accept(fresh.config());
  }

  /** Redacted keys whose real values differ (the diff compares what /config shows). */
  private static Set<String> changedSecrets(ChainsightConfig before, ChainsightConfig after) {
    Set<String> changed = new HashSet<>();
    if (!before.admin().token().equals(after.admin().token())) {
      changed.add("admin.token");
    }
    if (!before.tls().privateKey().equals(after.tls().privateKey())) {
      changed.add("tls.private-key");
    }
    return changed;
  }

  private static ReloadResult result(
      ReloadResult.Outcome outcome,
      String trigger,
      Generation before,
      Generation after,
      List<String> changes,
      List<String> problems) {
    return new ReloadResult(
        outcome,
        trigger,
        Instant.now(),
        after.number(),
        after.tls().describe(),
        before.tls().describe(),
        changes,
        problems);
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
